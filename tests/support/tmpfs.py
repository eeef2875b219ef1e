"""A real, small disk: a tmpfs mounted for a test (the tests run as root)."""
import contextlib
import os
import subprocess
import tempfile
from pathlib import Path

import pytest


@contextlib.contextmanager
def mounted_tmpfs(size: str):
    mount_point = Path(tempfile.mkdtemp(prefix="devjavu-tmpfs-"))
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs",
                             str(mount_point)], capture_output=True, text=True)
    if result.returncode != 0:
        os.rmdir(mount_point)
        pytest.skip(f"cannot mount a tmpfs here: {result.stderr.strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=True)
        os.rmdir(mount_point)


def fill(path: Path, leave_bytes: int = 0) -> None:
    """Write `path` until the disk has at most `leave_bytes` free."""
    import shutil
    with open(path, "ab", buffering=0) as f:
        try:
            while True:
                free = shutil.disk_usage(path.parent).free
                if free <= leave_bytes:
                    return
                f.write(b"\0" * min(1 << 20, max(4096, free - leave_bytes)))
        except OSError:
            return
