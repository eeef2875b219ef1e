"""Writing generated files so that a failure never leaves a partial or invalid file."""
import ctypes
import ctypes.util
import os
import shutil
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, Callable, Iterable, Iterator

Validator = Callable[[Path], None]

# Below this many files, one fsync per file and per directory costs less than flushing a
# whole filesystem twice.
SYNCFS_FROM = 16
WRITER_THREADS = 4

_libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)


def fsync_directory(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def sync_filesystem(path: Path) -> None:
    """Flush everything written to the filesystem holding `path` (syncfs(2)): one call
    for thousands of files, and since Linux 5.8 it reports their write-back errors."""
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        if _libc.syncfs(fd) != 0:
            errno = ctypes.get_errno()
            raise OSError(errno, f"syncfs {path}: {os.strerror(errno)}")
    finally:
        os.close(fd)


@contextmanager
def written_whole(path: Path) -> Iterator[BinaryIO]:
    """A binary file that appears at `path` only once the block ends without an error
    (written beside it, flushed to disk, renamed over it); after an error nothing is left
    and a file that was at `path` is as it was. A failure of the disk names the folder."""
    try:
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    except OSError as e:
        raise OSError(e.errno, e.strerror, str(path.parent)) from None
    try:
        with os.fdopen(fd, "wb") as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        os.rename(temp, path)
    except BaseException as e:
        try:
            os.unlink(temp)
        except FileNotFoundError:
            pass
        if isinstance(e, OSError) and e.filename is None:
            raise OSError(e.errno, e.strerror, str(path.parent)) from None
        raise
    fsync_directory(path.parent)


def _write_temp(path: Path, text: str, mode: int, fsync: bool) -> Path:
    """`text` in a new temp file beside `path`; removed again if anything fails."""
    try:
        fd, temp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.",
                                         suffix=".tmp")
    except OSError as e:
        # Named by the file asked for: the temp file's name means nothing to anyone.
        raise OSError(e.errno, e.strerror, str(path)) from None
    temp = Path(temp_name)
    try:
        try:
            data = memoryview(text.encode("utf-8"))
            while data:
                data = data[os.write(fd, data):]
            os.fchmod(fd, mode)
            if fsync:
                os.fsync(fd)
        finally:
            os.close(fd)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return temp


def remove_stale(paths: Iterable[Path], older_than_seconds: float) -> int:
    """Remove those of `paths` (files or directories) last changed more than
    `older_than_seconds` ago: a younger one may belong to a write in progress. Returns how
    many were removed."""
    removed = 0
    cutoff = time.time() - older_than_seconds
    for path in paths:
        try:
            if path.lstat().st_mtime >= cutoff:
                continue
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink()
        except FileNotFoundError:
            continue
        removed += 1
    return removed


def remove_stale_temps(path: Path, older_than_seconds: float) -> int:
    """Remove the temp files that writes of `path` left behind when their process was
    killed between writing and renaming, once older than `older_than_seconds`."""
    path = Path(path)
    return remove_stale(path.parent.glob(f".{path.name}.*.tmp"), older_than_seconds)


def atomic_write(path: Path, text: str, validate: Validator | None = None,
                 mode: int = 0o600) -> None:
    """Replace `path` with `text`: temp file, fsync, `validate(temp)`, rename, dir fsync.

    Any failure (a full disk, `validate` raising) removes the temp file and leaves the
    old `path` byte-identical; the exception propagates. The file is its owner's alone
    unless `mode` says otherwise: what we generate (authz, trac.ini) tells who may read
    which project.
    """
    path = Path(path)
    temp = _write_temp(path, text, mode, fsync=True)
    try:
        if validate is not None:
            validate(temp)
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    fsync_directory(path.parent)


def atomic_write_many(files: Iterable[tuple[Path, str, Validator | None]],
                      mode: int = 0o600) -> dict[Path, Exception]:
    """`atomic_write` for many files at once; returns {path: error} for those that failed.

    Each file is written to a temp file and validated; then the filesystems are synced
    once (every temp file durable), every temp file renamed over its path, and the
    filesystems synced once more (every rename durable): two flushes in all instead of
    two fsyncs per file. A file whose write or validation fails keeps its old contents
    byte-identical and does not stop the others; if a sync fails, nothing is renamed.
    Writing and renaming run on a few threads: they are system calls (replacing a file
    frees the old one's blocks), which do not hold the GIL; validating runs here.
    """
    files = [(Path(path), text, validate) for path, text, validate in files]
    if len(files) < SYNCFS_FROM:
        return _write_each(files, mode)
    failures: dict[Path, Exception] = {}
    staged: list[tuple[Path, Path]] = []
    with ThreadPoolExecutor(WRITER_THREADS) as pool:
        try:
            written = pool.map(lambda file: _try(_write_temp, file[0], file[1], mode, False),
                               files)
            for (path, _, validate), (temp, error) in zip(files, written):
                if error is None:
                    staged.append((temp, path))
                    error = _validated(temp, validate)
                if error is not None:
                    failures[path] = error
            staged = [(temp, path) for temp, path in staged if path not in failures]
            roots = _one_directory_per_filesystem(path for _, path in staged)
            for root in roots:
                sync_filesystem(root)
            for (_, path), (_, error) in zip(staged, pool.map(
                    lambda names: _try(os.replace, *names), staged)):
                if error is not None:
                    failures[path] = error
            for root in roots:
                sync_filesystem(root)
        finally:
            for temp, _ in staged:             # what was not renamed (nothing, once done)
                temp.unlink(missing_ok=True)
    return failures


def _try(call, *args) -> tuple[object, OSError | None]:
    try:
        return call(*args), None
    except OSError as e:
        return None, e


def _validated(temp: Path, validate: Validator | None) -> Exception | None:
    """None if `temp` passes `validate`; else the error, with `temp` removed."""
    try:
        if validate is not None:
            validate(temp)
    except Exception as e:
        temp.unlink(missing_ok=True)
        return e
    return None


def _write_each(files, mode: int) -> dict[Path, Exception]:
    failures: dict[Path, Exception] = {}
    for path, text, validate in files:
        try:
            atomic_write(path, text, validate, mode)
        except Exception as e:
            failures[path] = e
    return failures


def _one_directory_per_filesystem(paths: Iterable[Path]) -> list[Path]:
    roots: dict[int, Path] = {}
    for path in paths:
        roots.setdefault(os.stat(path.parent).st_dev, path.parent)
    return list(roots.values())


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
