"""Trac learns of new revisions when its project is read, never from the commit.

A commit's answer must not wait for Trac, and a process per commit (a post-commit hook
running trac-admin) piles up without bound under load and held commits open through
the descriptors it inherited. Instead, before a project's Trac answers a request, the
repository's youngest revision (`db/current`, one small file) is compared with the one
this process last saw Trac's cache reach; only when they differ does Trac's own
incremental sync run (`CachedRepository.sync`, which copes with other processes syncing
at the same time). Any number of commits between two reads cost one sync, and the page
after a commit shows it.
"""
import logging
import threading
from pathlib import Path

from trac.core import TracError
from trac.versioncontrol.api import RepositoryManager

from devjavu.svn.fsfs import youngest_on_disk

log = logging.getLogger(__name__)


class RevisionFollower:
    """Keeps each Trac environment's repository cache at the repository's youngest
    revision, checked on every request, synced only when behind. Thread-safe."""

    def __init__(self):
        self._reached: dict[str, int] = {}        # environment path -> revision cached
        self._locks: dict[str, threading.Lock] = {}
        self._locks_lock = threading.Lock()

    def catch_up(self, env, repository_path: Path) -> None:
        youngest = youngest_on_disk(repository_path)
        if youngest is None or self._reached.get(env.path) == youngest:
            return
        with self._lock_for(env.path):
            if self._reached.get(env.path) == youngest:
                return                      # another thread synced while we waited
            cached = self._sync(env)
            if cached is not None:
                # Another process may be syncing the same revisions: then Trac stops
                # early, and the next request looks again.
                self._reached[env.path] = cached

    def _sync(self, env) -> int | None:
        """Trac's incremental sync; the youngest revision its cache holds after it."""
        try:
            repository = RepositoryManager(env).get_repository("")
            if repository is None:
                return None
            repository.sync()
            return repository.youngest_rev
        except TracError as e:
            # The page is still served, from what the cache holds.
            log.warning("Trac at %s could not sync its repository: %s", env.path, e)
            return None

    def _lock_for(self, path: str) -> threading.Lock:
        with self._locks_lock:
            return self._locks.setdefault(path, threading.Lock())
