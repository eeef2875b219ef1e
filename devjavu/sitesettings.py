"""Settings a site admin changes at run time: the signup mode and the project cap."""
import enum

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from devjavu.models import Project, SiteSetting


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


def set_signup_mode(db: Session, mode: SignupMode) -> None:
    _set(db, "signup_mode", SignupMode(mode).value)


def project_cap(db: Session) -> int | None:
    """The most projects the site holds (None: no cap)."""
    value = _get(db, "project_cap")
    return int(value) if value else None


def set_project_cap(db: Session, cap: int | None) -> None:
    if cap is not None and cap < 0:
        raise ValueError("The project cap cannot be negative.")
    _set(db, "project_cap", "" if cap is None else str(cap))


def project_count(db: Session) -> int:
    return db.scalar(select(func.count(Project.id))) or 0


def cap_reached(db: Session) -> bool:
    cap = project_cap(db)
    return cap is not None and project_count(db) >= cap
