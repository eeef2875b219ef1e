"""Password reset by an emailed link: single use, valid for an hour."""
import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from devjavu import audit, mail
from devjavu.accounts import sessions
from devjavu.accounts.users import set_password
from devjavu.clock import utcnow
from devjavu.models import PasswordReset, User

LIFETIME = timedelta(hours=1)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def request_reset(db: Session, email: str, ip: str) -> None:
    """Mail a reset link to every active account with this address (there may be
    none: the caller answers the same either way)."""
    settings = db.info["settings"]
    # An exact match: `like` would read % and _ in the address as wildcards.
    accounts = db.scalars(select(User).where(
        func.lower(User.email) == email.strip().lower(), User.is_active.is_(True))).all()
    for user in accounts:
        token = secrets.token_urlsafe(32)
        now = utcnow()
        db.add(PasswordReset(user=user, token_hash=_hash(token), created_at=now,
                             expires_at=now + LIFETIME))
        audit.record(db, audit.PASSWORD_RESET_REQUESTED, subject=user.username, ip=ip)
        mail.send_after_commit(
            db, user.email, "Reset your DevjaVu password",
            f"Hello {user.username},\n\nSomeone (we hope you) asked to reset your "
            f"DevjaVu password. Choose a new one here within an hour:\n\n"
            f"{settings.public_url}/reset/{token}\n\n"
            "If it was not you, ignore this message: your password stays as it is.\n")


def pending_reset(db: Session, token: str) -> PasswordReset | None:
    if not token or len(token) > 100:
        return None
    reset = db.scalar(select(PasswordReset).where(PasswordReset.token_hash == _hash(token)))
    if (reset is None or reset.used_at is not None or reset.expires_at <= utcnow()
            or not reset.user.is_active):
        return None
    return reset


def complete_reset(db: Session, reset: PasswordReset, password: str, ip: str) -> None:
    """Set the password, spend the link, and sign the account out everywhere."""
    set_password(db, reset.user, password)
    reset.used_at = utcnow()
    sessions.end_all_sessions(db, reset.user)
    audit.record(db, audit.PASSWORD_CHANGED, actor=reset.user, subject=reset.user.username,
                 ip=ip, detail="by reset link")
