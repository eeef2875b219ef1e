"""Settings a site admin changes at run time: the signup mode and the project cap (with
the waitlist of those who asked for a project beyond it). Each change of a setting is in
the audit log (`actor` None: the operator's command line)."""
import enum

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from devjavu import audit
from devjavu.clock import utcnow
from devjavu.models import Project, SiteSetting, User, WaitlistEntry


class SignupMode(enum.StrEnum):
    OPEN = "open"
    INVITE_ONLY = "invite-only"
    CLOSED = "closed"


def _get(db: Session, key: str) -> str | None:
    row = db.get(SiteSetting, key)
    return row.value if row is not None else None


def _set(db: Session, key: str, value: str) -> None:
    row = db.get(SiteSetting, key)
    if row is None:
        db.add(SiteSetting(key=key, value=value))
    else:
        row.value = value


def signup_mode(db: Session) -> SignupMode:
    return SignupMode(_get(db, "signup_mode") or SignupMode.OPEN)


def set_signup_mode(db: Session, mode: SignupMode, actor: User | None = None,
                    ip: str = "") -> None:
    """Raises ValueError for a mode that is none of SignupMode's."""
    mode = SignupMode(mode)
    _set(db, "signup_mode", mode.value)
    audit.record(db, audit.SIGNUP_MODE_CHANGED, actor=actor, subject="site", ip=ip,
                 detail=mode.value)


def project_cap(db: Session) -> int | None:
    """The most projects the site holds (None: no cap)."""
    value = _get(db, "project_cap")
    return int(value) if value else None


def set_project_cap(db: Session, cap: int | None, actor: User | None = None,
                    ip: str = "") -> None:
    """`cap` None: no cap. Raises ValueError for a negative one."""
    if cap is not None and cap < 0:
        raise ValueError("The project cap cannot be negative.")
    _set(db, "project_cap", "" if cap is None else str(cap))
    audit.record(db, audit.PROJECT_CAP_CHANGED, actor=actor, subject="site", ip=ip,
                 detail=str(cap))


def project_count(db: Session) -> int:
    return db.scalar(select(func.count(Project.id))) or 0


def cap_reached(db: Session) -> bool:
    cap = project_cap(db)
    return cap is not None and project_count(db) >= cap


def join_waitlist(db: Session, user: User, project_name: str, note: str = "") -> WaitlistEntry:
    """`user` asks for a project while the site is full; admins see it on /admin."""
    entry = WaitlistEntry(user=user, project_name=project_name, note=note,
                          created_at=utcnow())
    db.add(entry)
    return entry
