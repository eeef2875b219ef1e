"""What a site admin (on the dashboard) or the operator (with devjavu-admin) does to
accounts: create, disable, enable, grant or revoke admin, set a password, send a
password reset. Each is in the audit log.

`actor` is the admin, or None for the operator's command line, whose events carry
`audit.COMMAND_LINE` as their address."""
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from devjavu import audit, authz
from devjavu.accounts import resets, sessions
from devjavu.accounts.passwordchange import end_pending_resets, replace_password
from devjavu.accounts.users import UserError, add_user, set_active
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


def _refuse_self(actor: User | None, user: User, what: str) -> None:
    if actor is not None and actor.id == user.id:
        raise UserError(f"You cannot {what} your own account.")


def create_user(db: Session, actor: User | None, username: str, email: str, password: str,
                is_admin: bool = False, ip: str = "") -> User:
    """An account made for someone (not a sign-up). Raises UserError."""
    user = add_user(db, username, email, password, is_admin=is_admin)
    audit.record(db, audit.USER_CREATED, actor=actor, subject=user.username, ip=ip,
                 detail=user.email)
    if is_admin:
        audit.record(db, audit.ADMIN_GRANTED, actor=actor, subject=user.username, ip=ip)
    return user


def set_password(db: Session, actor: User | None, user: User, password: str,
                 ip: str = "", revoke_tokens: bool = False) -> None:
    """Choose `user`'s password for them: what follows is what follows any password
    change (sessions and reset links end, the address is told). Raises UserError."""
    replace_password(db, user, password, how="by the site's operator", actor=actor, ip=ip,
                     detail="by the operator", revoke_tokens=revoke_tokens,
                     why="with a password change by the operator")


def disable_user(db: Session, actor: User | None, user: User, ip: str = "") -> None:
    """Disable: no sign-in, no svn, no Trac, effective at once; sessions and reset
    links end."""
    _refuse_self(actor, user, "disable")
    set_active(db, user, False)
    sessions.end_all_sessions(db, user)
    end_pending_resets(db, user)
    audit.record(db, audit.USER_DISABLED, actor=actor, subject=user.username, ip=ip)


def enable_user(db: Session, actor: User | None, user: User, ip: str = "") -> None:
    set_active(db, user, True)
    audit.record(db, audit.USER_ENABLED, actor=actor, subject=user.username, ip=ip)


def set_site_admin(db: Session, actor: User | None, user: User, is_admin: bool,
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
