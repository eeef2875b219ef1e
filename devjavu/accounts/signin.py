"""Signing in with the /login form: the sign-in limit (`throttle`) first, then the
password, with the same verification work for unknown and disabled accounts."""
from sqlalchemy.orm import Session

from devjavu import audit
from devjavu.accounts import sessions, throttle
from devjavu.accounts.credentials import password_is_right
from devjavu.accounts.passwords import hash_secret, needs_rehash
from devjavu.accounts.users import find_user
from devjavu.models import User

# One message for an unknown user and a wrong password: nothing tells which.
WRONG_CREDENTIALS = "Wrong username or password."


class SignInError(ValueError):
    """Sign-in refused; the message is safe to show."""


def sign_in(db: Session, username: str, password: str, ip: str) -> User:
    """The user, or SignInError. Records the attempt in the audit log either way, unless
    the sign-in limit holds it back unchecked."""
    username = throttle.account_key(username)
    try:
        throttle.ensure_allowed(db, username, ip)
    except throttle.TooManyFailures as e:
        raise SignInError(str(e)) from None
    user = find_user(db, username) if username else None
    if not password_is_right(user, password):
        throttle.record_failure(db, username, ip, "form")
        raise SignInError(WRONG_CREDENTIALS)
    if needs_rehash(user.password_hash):
        user.password_hash = hash_secret(password)
    audit.record(db, audit.SIGNIN, actor=user, subject=user.username, ip=ip)
    return user


def sign_out(db: Session, user: User | None, session_token: str | None, ip: str) -> None:
    """End this sign-in (`session_token` from the cookie); recorded if it was one."""
    if user is not None:
        audit.record(db, audit.SIGNOUT, actor=user, subject=user.username, ip=ip)
    sessions.end_session(db, session_token)
