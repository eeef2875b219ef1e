"""Signing in with a username and password, with a limit on failed attempts.

The failed attempts are the audit log's `signin.failed` events, counted per account
and per address over a window; being in the shared database, the limit holds across
every daemon process.
"""
from datetime import timedelta

from sqlalchemy.orm import Session

from devjavu import audit
from devjavu.accounts.passwords import (hash_secret, needs_rehash, spend_a_verification,
                                        verify_password)
from devjavu.accounts.users import find_user
from devjavu.clock import utcnow
from devjavu.models import User

WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_ACCOUNT = 5
MAX_FAILURES_PER_ADDRESS = 20
# One message for an unknown user and a wrong password: nothing tells which.
WRONG_CREDENTIALS = "Wrong username or password."


class SignInError(ValueError):
    """Sign-in refused; the message is safe to show."""


def sign_in(db: Session, username: str, password: str, ip: str) -> User:
    """The user, or SignInError. Records the attempt in the audit log either way."""
    username = username.strip().lower()
    since = utcnow() - WINDOW
    if (audit.count_since(db, audit.SIGNIN_FAILED, since, subject=username)
            >= MAX_FAILURES_PER_ACCOUNT
            or audit.count_since(db, audit.SIGNIN_FAILED, since, ip=ip)
            >= MAX_FAILURES_PER_ADDRESS):
        raise SignInError("Too many failed sign-ins. Wait 15 minutes, or reset your "
                          "password.")
    user = find_user(db, username) if username else None
    if user is None:
        spend_a_verification(password)
    if (user is None or not user.is_active
            or not verify_password(user.password_hash, password)):
        audit.record(db, audit.SIGNIN_FAILED, subject=username[:64], ip=ip)
        raise SignInError(WRONG_CREDENTIALS)
    if needs_rehash(user.password_hash):
        user.password_hash = hash_secret(password)
    audit.record(db, audit.SIGNIN, actor=user, subject=user.username, ip=ip)
    return user
