"""What FSFS keeps in plain files, read without Subversion's bindings (cheap enough for
every request, and safe to import in Apache's children).

The one way the site reads a repository's youngest revision: the dispatcher before each
Trac page, the unclean-end check, backups. It is the file the bindings read too (every
repository here is FSFS, made by svn/repository.py or restored from one), at ~30 us
against opening the repository through them. And the one repair of what a killed
commit leaves behind (remove_unfinished_commit).
"""
import fcntl
import time
from pathlib import Path


def youngest_on_disk(repository_path: Path) -> int | None:
    """The repository's youngest revision as FSFS records it (`db/current`, one small
    file), or None if unreadable."""
    try:
        with open(repository_path / "db" / "current", "rb") as current:
            return int(current.read(64).split()[0])
    except (OSError, ValueError, IndexError):
        return None


# How long to wait for a commit in progress to finish before leaving a repair for later.
WRITE_LOCK_WAIT_SECONDS = 30.0


def _revprops_file(repository_path: Path, revision: int) -> Path:
    """Where FSFS keeps an unpacked revision's properties (db/format names the layout)."""
    revprops = repository_path / "db" / "revprops"
    try:
        layout = (repository_path / "db" / "format").read_text().split()
    except OSError:
        layout = []
    if "sharded" in layout:
        shard_size = int(layout[layout.index("sharded") + 1])
        return revprops / str(revision // shard_size) / str(revision)
    return revprops / str(revision)


def remove_unfinished_commit(repository_path: Path,
                             wait_seconds: float = WRITE_LOCK_WAIT_SECONDS) -> bool:
    """Remove what a commit killed half-way left where the next revision goes; returns
    whether there was any.

    FSFS writes a new revision's properties straight to their final file, read-only,
    before it moves `db/current` on. A commit killed between the two (an Apache child or
    an import's svnsync SIGKILLed) leaves that file, and every later commit then stops at
    it: "Can't open file '.../db/revprops/0/N': Permission denied", until someone removes
    it. Done under FSFS's own write lock (an flock on `db/write-lock`, as Subversion
    takes it), so no commit is in progress meanwhile; a lock held past `wait_seconds`
    (an `svnadmin freeze`, a hung commit) leaves the file for the next call (False)."""
    youngest = youngest_on_disk(repository_path)
    if youngest is None or not _revprops_file(repository_path, youngest + 1).exists():
        return False        # the usual case, seen without taking the lock
    try:
        lock = open(repository_path / "db" / "write-lock", "rb")
    except OSError:
        return False
    with lock:
        deadline = time.monotonic() + wait_seconds
        while True:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    return False
                time.sleep(0.05)
        youngest = youngest_on_disk(repository_path)
        if youngest is None:
            return False
        leftover = _revprops_file(repository_path, youngest + 1)
        try:
            leftover.unlink()
        except FileNotFoundError:
            return False
        return True
