"""Checking a username and password, as Subversion clients and scripts send them.

Every Subversion request carries Basic credentials, and a checkout makes many requests,
so a full argon2 verification per request would dominate. `CredentialChecker` remembers
successful verifications for a short time, but only as a keyed digest of
(username, stored hash, password) under a key that never leaves the process. The user
row is read on every call, so a disabled account fails at once, and a password change
replaces the stored hash, which makes every remembered digest for it stop matching.
"""
import hashlib
import hmac
import os
import threading
import time
from collections import OrderedDict

from sqlalchemy import select
from sqlalchemy.orm import Session

from devjavu.accounts.passwords import MAX_PASSWORD_LENGTH, verify_password
from devjavu.models import User


class CredentialChecker:
    """Verifies passwords against the shared database; thread-safe."""

    def __init__(self, ttl_seconds: float = 300.0, max_entries: int = 10000):
        self._key = os.urandom(32)
        self._ttl = ttl_seconds
        self._max_entries = max_entries
        self._verified: OrderedDict[bytes, float] = OrderedDict()
        self._lock = threading.Lock()

    def _digest(self, user: User, password: str) -> bytes:
        message = "\0".join((user.username, user.password_hash, password)).encode()
        return hmac.new(self._key, message, hashlib.sha256).digest()

    def check(self, db: Session, username: str, password: str) -> User | None:
        """The active user whose name and password these are, or None."""
        if not username or not password or len(password) > MAX_PASSWORD_LENGTH:
            return None
        user = db.scalar(select(User).where(User.username == username))
        if user is None or not user.is_active:
            return None
        digest = self._digest(user, password)
        now = time.monotonic()
        with self._lock:
            expires = self._verified.get(digest)
            if expires is not None and expires > now:
                self._verified.move_to_end(digest)
                return user
        if not verify_password(user.password_hash, password):
            return None
        with self._lock:
            self._verified[digest] = now + self._ttl
            self._verified.move_to_end(digest)
            while len(self._verified) > self._max_entries:
                self._verified.popitem(last=False)
        return user
