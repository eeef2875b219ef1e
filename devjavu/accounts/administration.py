"""What a site admin does to accounts: disable, enable, grant or revoke admin, send a
password reset. Each is in the audit log."""
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from devjavu import audit, authz
from devjavu.accounts import resets, sessions
from devjavu.accounts.users import UserError, set_active
from devjavu.models import User


def search_users(db: Session, text: str = "", limit: int = 200) -> list[User]:
    query = select(User).order_by(User.username).limit(limit)
    text = text.strip().lower()
    if text:
        pattern = f"%{text.replace('%', '').replace('_', '')}%"
        query = query.where(or_(User.username.like(pattern),
                                func.lower(User.email).like(pattern)))
    return list(db.scalars(query))


def count_users(db: Session) -> int:
    return db.scalar(select(func.count(User.id))) or 0


def _refuse_self(actor: User, user: User, what: str) -> None:
    if actor.id == user.id:
        raise UserError(f"You cannot {what} your own account.")


def disable_user(db: Session, actor: User, user: User, ip: str = "") -> None:
    """Disable: no sign-in, no svn, no Trac, effective at once; sessions end."""
    _refuse_self(actor, user, "disable")
    set_active(db, user, False)
    sessions.end_all_sessions(db, user)
    audit.record(db, audit.USER_DISABLED, actor=actor, subject=user.username, ip=ip)


def enable_user(db: Session, actor: User, user: User, ip: str = "") -> None:
    set_active(db, user, True)
    audit.record(db, audit.USER_ENABLED, actor=actor, subject=user.username, ip=ip)


def set_site_admin(db: Session, actor: User, user: User, is_admin: bool,
                   ip: str = "") -> None:
    if not is_admin:
        _refuse_self(actor, user, "remove admin rights from")
    user.is_admin = is_admin
    authz.mark_site_admins_stale(db)
    audit.record(db, audit.ADMIN_GRANTED if is_admin else audit.ADMIN_REVOKED, actor=actor,
                 subject=user.username, ip=ip)


def send_password_reset(db: Session, actor: User, user: User, ip: str = "") -> None:
    """Mail `user` a reset link. A disabled account gets none, so say so rather than
    tell the admin a link is on its way."""
    if not user.is_active:
        raise UserError(f"{user.username} is disabled; enable the account first.")
    resets.send_reset_link(db, user, actor, ip)
