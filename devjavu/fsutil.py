"""Writing generated files so that a failure never leaves a partial or invalid file."""
import os
import tempfile
from pathlib import Path
from typing import Callable


def fsync_directory(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write(path: Path, text: str, validate: Callable[[Path], None] | None = None,
                 mode: int = 0o644) -> None:
    """Replace `path` with `text`: temp file, fsync, `validate(temp)`, rename, dir fsync.

    Any failure (a full disk, `validate` raising) removes the temp file and leaves the
    old `path` byte-identical; the exception propagates.
    """
    path = Path(path)
    fd, temp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    temp = Path(temp_name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(temp, mode)
        if validate is not None:
            validate(temp)
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    fsync_directory(path.parent)


def directory_size(path: Path) -> int:
    """Bytes used by the files below `path` (0 if it is missing)."""
    total = 0
    for root, _dirs, files in os.walk(path):
        for name in files:
            try:
                total += os.lstat(os.path.join(root, name)).st_size
            except OSError:
                continue
    return total
