"""The run's temporary directory, free ports, and what must be undone at the end."""
import os
import socket
import subprocess
import tempfile
from pathlib import Path


def remove_tree(path: Path) -> None:
    """rm -rf: a site of a thousand projects is hundreds of thousands of files, which
    shutil.rmtree takes minutes over."""
    subprocess.run(["rm", "-rf", "--one-file-system", str(path)], check=False)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Workspace:
    """A temporary directory that the run user can traverse; removed by `close()`
    unless `keep` (for looking into a run afterwards)."""

    def __init__(self, keep: bool = False):
        self.root = Path(tempfile.mkdtemp(prefix="devjavu-bench-"))
        # Apache's workers (www-data) read fixtures below it.
        os.chmod(self.root, 0o755)
        self.keep = keep
        self._removals = []

    def directory(self, name: str) -> Path:
        path = self.root / name
        path.mkdir(parents=True, exist_ok=True)
        os.chmod(path, 0o755)
        return path

    def remove_at_close(self, remove) -> None:
        """Call `remove()` at close (for what lives outside the root), unless kept."""
        self._removals.append(remove)

    def close(self) -> None:
        if self.keep:
            return
        while self._removals:
            self._removals.pop()()
        remove_tree(self.root)
