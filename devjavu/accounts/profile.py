"""Changing one's own email and password: the current password is asked first."""
from sqlalchemy.orm import Session

from devjavu import audit
from devjavu.accounts import sessions
from devjavu.accounts.passwords import verify_password
from devjavu.accounts.users import set_password, validate_email
from devjavu.models import User


class ProfileError(ValueError):
    """The change is refused; the message names what is wrong."""


def _check_current(user: User, current_password: str) -> None:
    if not verify_password(user.password_hash, current_password):
        raise ProfileError("Your current password is not right.")


def change_email(db: Session, user: User, current_password: str, email: str,
                 ip: str = "") -> None:
    _check_current(user, current_password)
    old = user.email
    user.email = validate_email(email)
    audit.record(db, audit.EMAIL_CHANGED, actor=user, subject=user.username, ip=ip,
                 detail=f"{old} -> {user.email}")


def change_password(db: Session, user: User, current_password: str, new_password: str,
                    keep_session_token: str | None = None, ip: str = "") -> None:
    """New password; every other session of the user ends (this one stays)."""
    _check_current(user, current_password)
    set_password(db, user, new_password)
    sessions.end_all_sessions(db, user, keep_token=keep_session_token)
    audit.record(db, audit.PASSWORD_CHANGED, actor=user, subject=user.username, ip=ip)
