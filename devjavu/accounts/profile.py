"""Changing one's own email and password: the current password is asked first, and the
address in effect before the change is told of it."""
from sqlalchemy.orm import Session

from devjavu import audit, mail, messages
from devjavu.accounts import throttle
from devjavu.accounts.passwordchange import replace_password
from devjavu.accounts.users import validate_email
from devjavu.models import User


class ProfileError(ValueError):
    """The change is refused; the message names what is wrong."""


def _check_current(db: Session, user: User, current_password: str, ip: str,
                   why: str) -> None:
    if not throttle.password_confirmed(db, user, current_password, ip, why):
        raise ProfileError("Your current password is not right.")


def change_email(db: Session, user: User, current_password: str, email: str,
                 ip: str = "") -> None:
    """New address; the old one gets a notice, since the new one reaches someone else
    if the change was not the owner's doing."""
    _check_current(db, user, current_password, ip, "changing the email")
    old = user.email
    user.email = validate_email(email)
    audit.record(db, audit.EMAIL_CHANGED, actor=user, subject=user.username, ip=ip,
                 detail=f"{old} -> {user.email}")
    if old.lower() != user.email.lower():
        mail.send_after_commit(db, *messages.email_changed(db.info["settings"], user, old))


def change_password(db: Session, user: User, current_password: str, new_password: str,
                    keep_session_token: str | None = None, ip: str = "",
                    revoke_tokens: bool = True) -> None:
    """New password; every other session and every reset link of the user ends (this
    session stays), its access tokens are revoked if asked, and its address is told."""
    _check_current(db, user, current_password, ip, "changing the password")
    replace_password(db, user, new_password, how="on your account page", actor=user, ip=ip,
                     keep_session_token=keep_session_token, revoke_tokens=revoke_tokens)
