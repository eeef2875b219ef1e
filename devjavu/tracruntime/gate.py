"""Trac pages rendered one at a time in a daemon process, first come, first served,
except that a slow page does not hold up the others.

Rendering a page is Python holding the GIL, except for short calls into C (every SQLite
step) that let it go, each of which hands the GIL to another rendering thread. In one
daemon process serving a 100-project page mix over 8 connections, one page cost 18 ms of
CPU with every thread rendering at once, 13-14 ms with two at a time and 10 ms with one,
so the process answered 57, 73 and 96 pages a second. Threads waiting for their turn
block on a lock, which costs nothing, and the page goes to the client after the turn.

A page that has rendered for SLOW_SECONDS (a long timeline, a big changeset) stops
counting against the limit, so the next page starts at once: nothing waits behind it.
"""
import threading
import time
from collections import deque
from contextlib import contextmanager

SLOW_SECONDS = 0.25


class Gate:
    def __init__(self, limit: int, slow_seconds: float = SLOW_SECONDS):
        self._limit = limit
        self._slow = slow_seconds
        self._lock = threading.Lock()
        self._started: dict[object, float] = {}          # running turn -> its start
        self._queue: deque[threading.Event] = deque()    # waiting turns, in order

    @contextmanager
    def turn(self):
        me = threading.Event()
        with self._lock:
            self._queue.append(me)
        while True:
            with self._lock:
                wait = self._wait_before_start(me)
                if wait == 0:
                    self._queue.popleft()
                    self._started[me] = time.monotonic()
                    self._wake_first()              # the next in line may start too
                    break
                me.clear()
            me.wait(wait)
        try:
            yield
        finally:
            with self._lock:
                del self._started[me]
                self._wake_first()

    def _wake_first(self) -> None:
        """Only the first in line can start: waking the others would cost them the GIL
        for nothing."""
        if self._queue:
            self._queue[0].set()

    def _wait_before_start(self, me) -> float | None:
        """0: start now; else how long to wait at most (None: until woken)."""
        if self._queue[0] is not me:
            return None
        now = time.monotonic()
        running = [now - started for started in self._started.values()
                   if now - started < self._slow]
        if len(running) < self._limit:
            return 0
        # Until the longest-running page of those that count turns slow.
        return self._slow - max(running)
