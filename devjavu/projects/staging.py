"""Where imports take shape before they become part of a project: a staging directory
under `<data_dir>/imports/`, locked by its process while it lives, and the disk checks
made before and while anything is written there.

A process killed while it stages leaves a directory whose lock nobody holds: every start
removes it (`remove_abandoned_imports`).
"""
import fcntl
import os
import shutil
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, Callable, Iterator

from devjavu.compression import is_compressed
from devjavu.projects.service import ProjectError
from devjavu.settings import Settings

# What is loaded takes at most about as much disk as what came in (a dump holds full
# texts, the repository deltas); a compressed stream's size says little, so the disk is
# also watched as it goes.
COMPRESSED_GROWTH = 4


def imports_dir(settings: Settings) -> Path:
    return settings.data_dir / "imports"


@contextmanager
def staging_directory(settings: Settings, name: str) -> Iterator[Path]:
    """A new staging path for an import into `name` (not yet made: the caller creates
    it), locked by this process while it lives; removed at the end unless it was moved
    away."""
    directory = imports_dir(settings)
    directory.mkdir(mode=0o700, exist_ok=True)
    path = directory / f"{name}.{uuid.uuid4().hex}"
    lock_path = path.with_suffix(path.suffix + ".lock")
    with open(lock_path, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield path
        finally:
            shutil.rmtree(path, ignore_errors=True)
            lock_path.unlink(missing_ok=True)


def remove_abandoned_imports(settings: Settings) -> list[str]:
    """Remove the staging directories of imports whose process is gone (their lock is
    free); returns their names."""
    removed = []
    for lock_path in sorted(imports_dir(settings).glob("*.lock")):
        with open(lock_path) as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue                        # an import is using it now
            shutil.rmtree(lock_path.with_suffix(""), ignore_errors=True)
            lock_path.unlink(missing_ok=True)
            removed.append(lock_path.with_suffix("").name)
    return removed


def space_above_reserve(settings: Settings) -> int:
    """What may be written to the data directory's disk before it reaches its reserve."""
    usage = shutil.disk_usage(settings.data_dir)
    return usage.free - settings.disk_reserve.bytes_for(usage.total)


def check_space(settings: Settings, needed: int) -> None:
    """Refuse (ProjectError) an import that would bring the disk below its reserve."""
    usage = shutil.disk_usage(settings.data_dir)
    keep = settings.disk_reserve.bytes_for(usage.total)
    if usage.free - needed < keep:
        raise ProjectError(
            f"Not enough disk for this import: it needs about {needed // 2**20 + 1} MiB, "
            f"{usage.free // 2**20} MiB are free and {keep // 2**20} MiB "
            f"({settings.disk_reserve}) must stay free.")


def disk_watch(settings: Settings) -> Callable[[], str | None]:
    """A check to call as an import writes: a message once the disk reached its reserve."""
    def stop() -> str | None:
        usage = shutil.disk_usage(settings.data_dir)
        if usage.free < settings.disk_reserve.bytes_for(usage.total):
            return (f"The disk reached its reserve ({settings.disk_reserve} must stay "
                    "free) during the import; nothing was kept.")
        return None
    return stop


def estimated_bytes(stream: BinaryIO) -> int:
    """What unpacking the file open in `stream` will take on disk, at most (0 when it is
    not a file whose size is known: a pipe)."""
    try:
        size = os.fstat(stream.fileno()).st_size
    except (OSError, AttributeError, ValueError):
        return 0
    head = stream.peek(3)[:3] if hasattr(stream, "peek") else b""
    return size * COMPRESSED_GROWTH if is_compressed(head) else size
