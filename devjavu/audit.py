"""The audit log of security events, which also counts failed sign-ins."""
from datetime import datetime

from sqlalchemy import Connection, func, insert, select
from sqlalchemy.orm import Session

from devjavu.clock import utcnow
from devjavu.models import AuditEvent, User

SIGNIN = "signin"
SIGNIN_FAILED = "signin.failed"
SIGNOUT = "signout"
SIGNUP = "signup"
PASSWORD_CHANGED = "password.changed"
PASSWORD_RESET_REQUESTED = "password.reset_requested"
# A reset link mailed to the account (subject), and a request the limits stopped.
PASSWORD_RESET_SENT = "password.reset_sent"
PASSWORD_RESET_LIMITED = "password.reset_limited"
EMAIL_CHANGED = "email.changed"
TOKEN_CREATED = "token.created"
TOKEN_REVOKED = "token.revoked"
MEMBER_ADDED = "member.added"
MEMBER_REMOVED = "member.removed"
ROLE_CHANGED = "member.role_changed"
INVITATION_SENT = "invitation.sent"
INVITATION_ACCEPTED = "invitation.accepted"
PROJECT_CREATED = "project.created"
PROJECT_IMPORTED = "project.imported"
PROJECT_DELETED = "project.deleted"
PROJECT_RESTORED = "project.restored"
# Removed for good from the trash, its trail kept.
PROJECT_PURGED = "project.purged"
PROJECT_RENAMED = "project.renamed"
PROJECT_IMPORT_STARTED = "project.import_started"
PROJECT_IMPORT_RETRIED = "project.import_retried"
PROJECT_IMPORT_CANCELLED = "project.import_cancelled"
# A project's Trac data replaced by an archive's (devjavu/projects/tracdata.py).
PROJECT_TRAC_IMPORTED = "project.trac_imported"
VISIBILITY_CHANGED = "project.visibility"
DESCRIPTION_CHANGED = "project.description"
OWNERSHIP_TRANSFERRED = "project.ownership"
USER_CREATED = "user.created"
USER_DISABLED = "user.disabled"
USER_ENABLED = "user.enabled"
ADMIN_GRANTED = "user.admin_granted"
ADMIN_REVOKED = "user.admin_revoked"
SIGNUP_MODE_CHANGED = "site.signup_mode"
PROJECT_CAP_CHANGED = "site.project_cap"

# The address of an event done with devjavu-admin on the server: it has no user actor
# (the operator is whoever holds the server's shell), and the log must still tell it
# apart from an anonymous web request.
COMMAND_LINE = "command line"


def record(db: Session, event: str, *, actor: User | None = None, subject: str = "",
           ip: str = "", detail: str = "") -> AuditEvent:
    entry = AuditEvent(at=utcnow(), event=event, actor=actor, subject=subject[:64],
                       ip_address=(ip or "")[:45], detail=detail)
    db.add(entry)
    return entry


def append(connection: Connection | Session, event: str, *, subject: str = "",
           ip: str = "", detail: str = "") -> None:
    """Record an event that has no actor, through a plain connection too (the svn auth
    provider has no ORM session); the caller commits."""
    if isinstance(connection, Session):
        # Through the ORM: a session joined to a transaction manager commits only what
        # it has flushed, and would drop a Core insert.
        record(connection, event, subject=subject, ip=ip, detail=detail)
        return
    connection.execute(insert(AuditEvent.__table__).values(
        at=utcnow(), event=event, actor_id=None, subject=subject[:64],
        ip_address=(ip or "")[:45], detail=detail))


def count_since(db: Session, event: str, since: datetime, *, subject: str | None = None,
                ip: str | None = None) -> int:
    query = select(func.count(AuditEvent.id)).where(AuditEvent.event == event,
                                                    AuditEvent.at >= since)
    if subject is not None:
        query = query.where(AuditEvent.subject == subject)
    if ip is not None:
        query = query.where(AuditEvent.ip_address == ip)
    return db.scalar(query) or 0


def recent(db: Session, limit: int = 100, offset: int = 0, event_prefix: str = "",
           subject: str = "") -> list[AuditEvent]:
    query = select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    if event_prefix:
        query = query.where(AuditEvent.event.startswith(event_prefix, autoescape=True))
    if subject:
        query = query.where(AuditEvent.subject == subject)
    return list(db.scalars(query.limit(limit).offset(offset)))
