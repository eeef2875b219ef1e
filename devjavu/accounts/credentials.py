"""Checking a username and a password or access token, as svn clients and scripts
send them.

Every Subversion request carries Basic credentials, and a checkout makes many requests,
so a full argon2 verification per request would dominate. `CredentialChecker` remembers
successful verifications for a short time, but only as a keyed digest of
(username, stored hash, secret) under a key that never leaves the process. The user
row (and token row) is read on every call, so a disabled account or a revoked token
fails at once, and a password change replaces the stored hash, which makes every
remembered digest for the old one stop matching.

`password_verdict` is the svn auth provider's path: with the digest remembered, the
password check is one indexed select on a plain connection (0.12 ms here, against
0.5 ms for an ORM session that loads the user and commits), on every request.

`attempt` and `password_verdict` are ways in: they ask `throttle` first (one or two
more selects) and count each failure there, once per secret a minute (a client that
resends a refused one is not guessing). Unknown and disabled accounts and unknown tokens
cost one full argon2 verification, as a wrong password does, so that the time of an
answer does not tell which names have an account.
"""
import hashlib
import hmac
import os
import threading
import time
from collections import OrderedDict

from sqlalchemy import Connection, bindparam, select
from sqlalchemy.orm import Session

from devjavu.accounts import throttle, tokens
from devjavu.accounts.passwords import (MAX_PASSWORD_LENGTH, spend_a_verification,
                                        verify_password)
from devjavu.models import User

# Built once: composing the statement costs more than running it.
_users = User.__table__
_PASSWORD_ROW = select(_users.c.password_hash, _users.c.is_active).where(
    _users.c.username == bindparam("username"))


def password_is_right(account, password: str, verify=verify_password) -> bool:
    """The one rule for a password at every way in: `account` (a User, or a row with
    `password_hash` and `is_active`; None when the name has none) is active and the
    password is its own. An unknown or disabled account costs a full verification too,
    never a remembered one (`verify` may remember), so that its refusal takes as long as
    a wrong password's."""
    if account is None:
        spend_a_verification(password)
        return False
    if not account.is_active:
        verify_password(account.password_hash, password)
        return False
    return verify(account.password_hash, password)


class _RecentDigests:
    """Digests remembered for `ttl` seconds, the least recently used dropped beyond
    `max_entries`; thread-safe."""

    def __init__(self, ttl: float, max_entries: int):
        self._ttl = ttl
        self._max_entries = max_entries
        self._expiries: OrderedDict[bytes, float] = OrderedDict()
        self._lock = threading.Lock()

    def __contains__(self, digest: bytes) -> bool:
        with self._lock:
            expires = self._expiries.get(digest)
            if expires is not None and expires > time.monotonic():
                self._expiries.move_to_end(digest)
                return True
        return False

    def __iter__(self):
        with self._lock:
            return iter(list(self._expiries))

    def add(self, digest: bytes) -> None:
        with self._lock:
            self._expiries[digest] = time.monotonic() + self._ttl
            self._expiries.move_to_end(digest)
            while len(self._expiries) > self._max_entries:
                self._expiries.popitem(last=False)


class CredentialChecker:
    """Verifies passwords and tokens against the shared database; thread-safe."""

    # The svn client sends a refused password again at once (two or three requests
    # per command), as do scripts with a stale one: the same secret from the same
    # address is no new guess, so for this long it is refused without another check
    # and not counted. (A password changed to one refused this minute waits it out.)
    REPEAT_SECONDS = 60.0

    def __init__(self, ttl_seconds: float = 300.0, max_entries: int = 10000):
        self._key = os.urandom(32)
        self._verified = _RecentDigests(ttl_seconds, max_entries)
        self._refused = _RecentDigests(self.REPEAT_SECONDS, max_entries)

    def _digest(self, username: str, stored_hash: str, secret: str) -> bytes:
        message = "\0".join((username, stored_hash, secret)).encode()
        return hmac.new(self._key, message, hashlib.sha256).digest()

    def _remembered(self, digest: bytes) -> bool:
        return digest in self._verified

    def _remember(self, digest: bytes) -> None:
        self._verified.add(digest)

    def _verify(self, username, stored_hash, secret, verify) -> bool:
        digest = self._digest(username, stored_hash, secret)
        if self._remembered(digest):
            return True
        if not verify(stored_hash, secret):
            return False
        self._remember(digest)
        return True

    def _remembering(self, username: str):
        """A `verify` for `password_is_right` that remembers what verified."""
        return lambda stored_hash, secret: self._verify(username, stored_hash, secret,
                                                        verify_password)

    def check(self, db: Session, username: str, secret: str) -> User | None:
        """The active user whose name and password (or access token) these are, or None.
        Not counted by the sign-in limit: ways in call `attempt`.

        A token's last-used time may be updated in `db`: the caller commits it."""
        if not username or not secret or len(secret) > MAX_PASSWORD_LENGTH:
            return None
        if tokens.looks_like_token(secret):
            token = tokens.token_for(db, username, secret)
            if token is None:               # unknown, revoked, another's, disabled
                spend_a_verification(secret)
                return None
            if not self._verify(username, token.token_hash, secret, verify_password):
                return None
            tokens.note_use(token)
            return token.user
        user = db.scalar(select(User).where(User.username == username))
        return user if password_is_right(user, secret, self._remembering(username)) else None

    def _refusal(self, address: str, username: str, secret: str) -> bytes:
        return self._digest(address, username, secret)

    def attempt(self, db: Session, username: str, secret: str, address: str,
                way_in: str) -> User | None:
        """`check` as a way in: raises throttle.TooManyFailures without checking when
        the attempt must wait, and adds a failure to `db` (the caller commits)."""
        throttle.ensure_allowed(db, username, address)
        refusal = self._refusal(address, username, secret)
        if refusal in self._refused:
            return None
        user = self.check(db, username, secret)
        if user is None:
            self._refused.add(refusal)
            kind = " token" if tokens.looks_like_token(secret) else ""
            throttle.record_failure(db, username, address, way_in + kind)
        return user

    def password_verdict(self, connection: Connection, username: str, password: str,
                         address: str) -> bool | None:
        """For a password, not a token: True (right, active account), False (wrong
        password or disabled account) or None (no such user). Raises
        throttle.TooManyFailures without checking when the attempt must wait; a
        failure is counted and committed on `connection`."""
        throttle.ensure_allowed(connection, username, address)
        refusal = self._refusal(address, username, password)
        if refusal in self._refused:
            return False
        verdict = self._password_verdict(connection, username, password)
        if not verdict:
            self._refused.add(refusal)
            throttle.record_failure(connection, username, address, "svn")
            connection.commit()
        return verdict

    def _password_verdict(self, connection, username, password) -> bool | None:
        row = connection.execute(_PASSWORD_ROW, {"username": username}).first()
        if not password or len(password) > MAX_PASSWORD_LENGTH:
            return None if row is None else False
        right = password_is_right(row, password, self._remembering(username))
        return None if row is None else right
