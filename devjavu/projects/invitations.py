"""Inviting people to a project by email: a link that a new or existing user accepts."""
import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from devjavu import audit, mail, messages
from devjavu.accounts.users import validate_email
from devjavu.clock import utcnow
from devjavu.models import Invitation, Project, Role, User
from devjavu.models.claims import claim_once
from devjavu.projects.service import add_member, find_membership

LIFETIME = timedelta(days=14)


class InvitationError(ValueError):
    """An invitation cannot be used as asked; the message is safe to show."""


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invite(db: Session, project: Project, email: str, role: Role, inviter: User,
           ip: str = "") -> Invitation:
    """Record the invitation and mail its link after the commit."""
    email = validate_email(email)
    token = secrets.token_urlsafe(32)
    now = utcnow()
    invitation = Invitation(project=project, email=email, role=role,
                            token_hash=_hash(token), invited_by_id=inviter.id,
                            created_at=now, expires_at=now + LIFETIME)
    db.add(invitation)
    db.flush()
    audit.record(db, audit.INVITATION_SENT, actor=inviter, subject=project.name, ip=ip,
                 detail=f"{email} as {role}")
    mail.send_after_commit(db, *messages.invitation(db.info["settings"], project, email,
                                                    role, inviter, token, LIFETIME.days))
    return invitation


def _is_pending(invitation: Invitation) -> bool:
    return (invitation.accepted_at is None and invitation.expires_at > utcnow()
            and invitation.project.deleted_at is None)


def pending_invitation(db: Session, token: str) -> Invitation | None:
    if not token or len(token) > 100:
        return None
    invitation = db.scalar(select(Invitation).where(Invitation.token_hash == _hash(token)))
    if invitation is None or not _is_pending(invitation):
        return None
    return invitation


def admits(invitation: Invitation, email: str) -> bool:
    """Whether `invitation` lets the owner of `email` sign up: only the address it was
    sent to, and only while it is pending."""
    return (_is_pending(invitation)
            and invitation.email.strip().lower() == email.strip().lower())


def _use_up(db: Session, invitation: Invitation) -> None:
    """Mark `invitation` accepted, once, even when two requests race with one link."""
    if not claim_once(db, Invitation.accepted_at, invitation.id, accepted_at=utcnow()):
        raise InvitationError("This invitation has already been used.")


def accept(db: Session, invitation: Invitation, user: User, ip: str = "") -> None:
    """Make `user` a member with the invited role (or keep a higher existing role), and
    use the invitation up. Raises InvitationError if it was used meanwhile."""
    _use_up(db, invitation)
    if find_membership(db, invitation.project, user) is None:
        add_member(db, invitation.project, user, invitation.role, actor=user, ip=ip)
    audit.record(db, audit.INVITATION_ACCEPTED, actor=user, subject=invitation.project.name,
                 ip=ip, detail=user.username)


def pending_for_project(db: Session, project: Project) -> list[Invitation]:
    return list(db.scalars(select(Invitation).where(
        Invitation.project_id == project.id, Invitation.accepted_at.is_(None),
        Invitation.expires_at > utcnow()).order_by(Invitation.created_at.desc())))

