"""The real svn client, timed: its own config dir, passwords on stdin, no cache."""
import subprocess
import tempfile
import time
from pathlib import Path


class SvnFailed(RuntimeError):
    pass


class Svn:
    def __init__(self, workdir: Path, user: str | None = None, password: str | None = None):
        self.workdir = workdir
        self.user = user
        self.password = password
        self.config_dir = tempfile.mkdtemp(dir=workdir, prefix="svn-config-")

    def run(self, *args: str) -> float:
        """Seconds the command took; raises SvnFailed."""
        command = ["svn", "--non-interactive", "--no-auth-cache", "--quiet",
                   "--config-dir", self.config_dir, *args]
        stdin = None
        if self.user is not None:
            command += ["--username", self.user, "--password-from-stdin"]
            stdin = self.password + "\n"
        started = time.perf_counter()
        result = subprocess.run(command, input=stdin, capture_output=True, text=True,
                                timeout=600)
        seconds = time.perf_counter() - started
        if result.returncode != 0:
            raise SvnFailed(f"{' '.join(command)}:\n{result.stderr}")
        return seconds
