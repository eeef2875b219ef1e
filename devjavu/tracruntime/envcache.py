"""A bounded cache of open Trac environments, least recently used closed first.

Trac's own `env_cache` never closes anything. Here at most `capacity` environments stay
open; an evicted one is retired once the last request using it has finished.

Retiring is not `env.shutdown()`: Trac's database connection pool is one pool for the
whole process, and a full shutdown closes every active connection of every environment,
breaking the requests other threads are serving ("Cannot operate on a closed
database"). Each request already hands back its own connections and repositories
(`env.shutdown(thread id)`), and idle pooled connections are closed as they age, so what
is left to release is the environment's log handler.

An entry also remembers which directory it opened (device and inode): when a project is
renamed, deleted or restored, another directory can appear at the same path, and it must
not be served by the environment (and the pooled database connections) of the old one.
Nor is an environment whose configuration `changed` since it opened (trac.ini written by
the dashboard or another process): it is reopened, as Trac's own cache does.
"""
import os
import threading
from collections import OrderedDict

import trac.log
from trac.env import Environment


def retire_environment(env: Environment) -> None:
    trac.log.shutdown(env.log)


def _identity(path: str) -> tuple[int, int] | None:
    try:
        status = os.stat(path)
    except OSError:
        return None
    return status.st_dev, status.st_ino


class _Entry:
    __slots__ = ("env", "users", "evicted", "identity")

    def __init__(self, env: Environment, identity: tuple[int, int] | None):
        self.env = env
        self.users = 0
        self.evicted = False
        self.identity = identity


class EnvironmentCache:
    def __init__(self, capacity: int, open_environment=Environment,
                 retire=retire_environment, changed=lambda env: False):
        self.capacity = capacity
        self._changed = changed
        self._open = open_environment
        self._retire = retire
        self._entries: OrderedDict[str, _Entry] = OrderedDict()
        self._lock = threading.Lock()
        self._opening: dict[str, threading.Lock] = {}

    def __len__(self) -> int:
        return len(self._entries)

    def _use_open(self, path: str, identity, to_close: list) -> _Entry | None:
        """The open entry for `path`, marked in use, if it is still the directory at
        `path` (else it is evicted); the caller holds the lock."""
        entry = self._entries.get(path)
        if entry is None:
            return None
        if entry.identity != identity or self._changed(entry.env):
            del self._entries[path]
            entry.evicted = True
            if entry.users == 0:
                to_close.append(entry.env)
            return None
        self._entries.move_to_end(path)
        entry.users += 1
        return entry

    def _acquire(self, path: str) -> _Entry:
        identity = _identity(path)
        to_close: list[Environment] = []
        try:
            with self._lock:
                entry = self._use_open(path, identity, to_close)
                if entry is not None:
                    return entry
                opening = self._opening.setdefault(path, threading.Lock())
            # Open outside the cache lock: other environments stay served meanwhile.
            with opening:
                with self._lock:
                    entry = self._use_open(path, identity, to_close)
                    if entry is not None:
                        return entry
                try:
                    env = self._open(path)
                except BaseException:
                    with self._lock:
                        self._opening.pop(path, None)
                    raise
                with self._lock:
                    self._opening.pop(path, None)
                    entry = _Entry(env, identity)
                    entry.users = 1
                    self._entries[path] = entry
                    to_close += self._evict_over_capacity()
            return entry
        finally:
            for env in to_close:
                self._retire(env)

    def _evict_over_capacity(self) -> list[Environment]:
        to_close = []
        while len(self._entries) > self.capacity:
            _, old = self._entries.popitem(last=False)
            old.evicted = True
            if old.users == 0:
                to_close.append(old.env)
        return to_close

    def _release(self, entry: _Entry) -> None:
        with self._lock:
            entry.users -= 1
            close = entry.evicted and entry.users == 0
        if close:
            self._retire(entry.env)

    def acquire(self, path: str):
        """(env, release): the open environment at `path`, kept open until release()."""
        entry = self._acquire(path)
        return entry.env, lambda: self._release(entry)

    def close_all(self) -> None:
        with self._lock:
            entries = list(self._entries.values())
            self._entries.clear()
        for entry in entries:
            entry.evicted = True
            if entry.users == 0:
                self._retire(entry.env)
