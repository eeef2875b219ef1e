"""Trac learns of new revisions, and of fixed log messages, when its project is read,
never from the commit.

A commit's answer must not wait for Trac, and a process per commit (a post-commit hook
running trac-admin) piles up without bound under load and held commits open through
the descriptors it inherited. Instead, before a project's Trac answers a request, the
repository's youngest revision (`db/current`, one small file) is compared with the one
this process last saw Trac's cache reach; only when they differ does Trac's own
incremental sync run (`CachedRepository.sync`, which copes with other processes syncing
at the same time), once in each thread (a sync with nothing left to cache is two small
reads). Any number of commits between two reads cost one sync, and the page after a
commit shows it.

A fixed log message (`svn propset --revprop svn:log`) leaves the youngest revision as it
was: the repository's post-revprop-change hook appends the revision's number and a
newline to `revprops-changed`. When nothing changed, one `stat` of that file (its inode
and size against what this process last saw read to its end) is the whole cost. Else the
lines past what Trac's database records as read (the file's inode and an offset, in its
`system` table, so one process reads them for all) are read again with Trac's
`changeset_modified` (`sync_changeset`, as `trac-admin changeset modified` does). Every
process shows the new message at once, since pages read messages from the database.

Three rules keep that correct beside other processes and threads:
- The sync runs first, and a line is read again only if Trac's cache already holds its
  revision. `sync_changeset` would insert a revision the cache lacks without moving the
  cache's youngest revision, and the next sync would stop on it ("already cached") for
  good. A line whose revision the cache lacks, and every line after it, stays unread
  until a sync (maybe another process's, which may be reading the old message now) has
  cached it.
- Reading the offset, reading the messages from the repository and writing both happen
  in one transaction that starts by taking the database's write lock (as Trac's own
  cache invalidation does). A process that read a message before the next fix was made
  can then never write it over the newer one.
- Each request starts with fresh cache metadata (`CacheManager.reset_metadata`, which
  Trac's `open_environment` does per request and our environment cache does not):
  otherwise a thread keeps the cache's youngest revision it first saw, whatever other
  processes synced since.

A shorter file or one with another inode (a restored repository) is read from its start:
reading a message again is harmless. At most `_MOST_BYTES_A_REQUEST` are read for one
request; the next request goes on.
"""
import logging
import threading
from pathlib import Path

from trac.cache import CacheManager
from trac.core import TracError
from trac.versioncontrol.api import RepositoryManager

from devjavu.svn.fsfs import youngest_on_disk
from devjavu.svn.repository import REVPROPS_CHANGED

log = logging.getLogger(__name__)

# In Trac's `system` table: "INODE OFFSET", how far Trac has read REVPROPS_CHANGED.
READ_KEY = "devjavu_revprops_read"
# About a thousand revisions: one request never reads a long file (a restore's) whole.
_MOST_BYTES_A_REQUEST = 8192


class RevisionFollower:
    """Keeps each Trac environment's repository cache at the repository's youngest
    revision, and its log messages as fixed, checked on every request, synced only when
    behind. Thread-safe."""

    def __init__(self):
        # (environment path, thread) -> revision that thread's sync left cached
        self._reached: dict[tuple[str, int], int] = {}
        # environment path -> (inode, size) of REVPROPS_CHANGED when it was read to its end
        self._changes_read: dict[str, tuple[int, int]] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._locks_lock = threading.Lock()

    def catch_up(self, env, repository_path: Path) -> None:
        """Run before each request of `env`: the request's start of Trac's caches, then
        new revisions, then fixed log messages."""
        CacheManager(env).reset_metadata()
        self._follow_commits(env, repository_path)
        self._follow_fixed_messages(env, repository_path)

    def _follow_commits(self, env, repository_path: Path) -> None:
        youngest = youngest_on_disk(repository_path)
        # Per thread: a sync that loses a race with another process's holds this
        # thread's repository at the revision before (Trac's `repos.clear(youngest_rev)`)
        # until its own next sync, whatever other threads' syncs reached.
        reached = (env.path, threading.get_ident())
        if youngest is None or self._reached.get(reached) == youngest:
            return
        with self._lock_for(env.path):
            cached = self._sync(env)
            if cached is not None:
                # Another process may be syncing the same revisions: then Trac stops
                # early, and the next request looks again.
                self._reached[reached] = cached

    def _sync(self, env) -> int | None:
        """Trac's incremental sync; the youngest revision its cache holds after it."""
        try:
            repository = RepositoryManager(env).get_repository("")
            if repository is None:
                return None
            repository.sync()
            # A sync that lost a race with another process (Trac: "already cached")
            # holds the thread's view of the repository at the revision it last cached,
            # while the cache's metadata, read again, may name the other's: every page
            # of the youngest revision would be a 404. The view is bounded by the
            # metadata anyway (CachedRepository.normalize_rev), so it is let go.
            repository.repos.clear()
            return repository.youngest_rev
        except TracError as e:
            # The page is still served, from what the cache holds.
            log.warning("Trac at %s could not sync its repository: %s", env.path, e)
            return None

    def _follow_fixed_messages(self, env, repository_path: Path) -> None:
        changes = repository_path / REVPROPS_CHANGED
        try:
            status = changes.stat()
        except FileNotFoundError:
            return                          # no message was ever fixed
        seen = (status.st_ino, status.st_size)
        if self._changes_read.get(env.path) == seen:
            return
        with self._lock_for(env.path):
            if self._changes_read.get(env.path) == seen:
                return
            try:
                read_to_end = _read_fixed_messages(env, repository_path, *seen)
            except (TracError, env.db_exc.DatabaseError) as e:
                # Nothing was marked read: the next request tries again.
                log.warning("Trac at %s could not read fixed log messages: %s",
                            env.path, e)
                return
            if read_to_end:
                self._changes_read[env.path] = seen

    def _lock_for(self, path: str) -> threading.Lock:
        with self._locks_lock:
            return self._locks.setdefault(path, threading.Lock())


def _read_fixed_messages(env, repository_path: Path, inode: int, size: int) -> bool:
    """Read again, in Trac's cache, the revisions listed in REVPROPS_CHANGED past what
    Trac's database records as read, up to `size`; True when Trac has read it to `size`.
    """
    repository = RepositoryManager(env).get_repository("")
    if repository is None:
        return True
    with env.db_transaction as db:
        # The write lock first: no other process reads the offset until this one has
        # read the messages and written both (SQLite locks the whole database here).
        db("UPDATE system SET value=value WHERE name=%s", (READ_KEY,))
        row = db("SELECT value FROM system WHERE name=%s", (READ_KEY,))
        read_inode, offset = _parse_read_mark(row[0][0] if row else "")
        if read_inode != inode or offset > size:
            offset = 0                      # another file (a restore): all of it is new
        with open(repository_path / REVPROPS_CHANGED, "rb") as lines:
            lines.seek(offset)
            text = lines.read(min(size - offset, _MOST_BYTES_A_REQUEST))
        # Read after the file: every revision the hook listed exists on disk by now.
        youngest = youngest_on_disk(repository_path)
        consumed, revisions = _lines_ready(
            text, youngest, lambda rev: _cached(db, repository, rev))
        if revisions:
            errors = RepositoryManager(env).notify("changeset_modified", "", revisions)
            for error in errors:
                log.warning("Trac at %s could not read a log message again: %s",
                            env.path, error)
        mark = f"{inode} {offset + consumed}"
        if not row:
            db("INSERT INTO system (name, value) VALUES (%s, %s)", (READ_KEY, mark))
        elif row[0][0] != mark:
            db("UPDATE system SET value=%s WHERE name=%s", (mark, READ_KEY))
    return offset + consumed == size


def _parse_read_mark(value: str) -> tuple[int | None, int]:
    parts = value.split()
    if len(parts) != 2 or not all(part.isdigit() for part in parts):
        return None, 0
    return int(parts[0]), int(parts[1])


def _lines_ready(text: bytes, youngest: int | None, cached) -> tuple[int, list[int]]:
    """(bytes consumed, revisions to read again) of the whole lines in `text`: up to the
    first revision that exists but that the cache does not hold yet. A line that names
    no revision of the repository is passed over."""
    consumed = 0
    revisions: list[int] = []
    # The part after the last newline is left: the hook may be writing that line now.
    for line in text.split(b"\n")[:-1]:
        if line.isdigit() and youngest is not None and int(line) <= youngest:
            if not cached(int(line)):
                break
            if int(line) not in revisions:
                revisions.append(int(line))
        consumed += len(line) + 1
    return consumed, revisions


def _cached(db, repository, revision: int) -> bool:
    return bool(db("SELECT 1 FROM revision WHERE repos=%s AND rev=%s",
                   (repository.id, repository.db_rev(revision))))
