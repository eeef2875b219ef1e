"""Signing up: open, invite-only (single-use codes) or closed. A project invitation
admits the address it was sent to, once, whatever the mode.

No sign-up ever makes a site admin. A new site stays closed until the operator makes
the first administrator on the server (`devjavu-admin user add NAME --email EMAIL
--admin`): were the first account its admin, whoever reached a new public site first
would own it."""
import hashlib
import secrets

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from devjavu import audit
from devjavu.accounts.users import UserError, add_user
from devjavu.clock import utcnow
from devjavu.models import Invitation, InviteCode, User
from devjavu.models.claims import claim_once
from devjavu.projects import invitations
from devjavu.sitesettings import SignupMode, signup_mode

MAX_CODES_AT_ONCE = 100
NOT_OPEN_YET = "This site is not open for sign-ups yet: it has no administrator."


class SignupError(ValueError):
    """Signing up is not possible as asked; the message is safe to show."""


def _hash(code: str) -> str:
    return hashlib.sha256(code.strip().encode()).hexdigest()


def create_invite_codes(db: Session, admin: User, count: int) -> list[str]:
    """`count` new single-use codes, returned once in the clear."""
    if not 1 <= count <= MAX_CODES_AT_ONCE:
        raise SignupError(f"Create between 1 and {MAX_CODES_AT_ONCE} codes at a time.")
    codes = [secrets.token_urlsafe(12) for _ in range(count)]
    now = utcnow()
    for code in codes:
        db.add(InviteCode(code_hash=_hash(code), created_by_id=admin.id, created_at=now))
    db.flush()
    return codes


def unused_code_count(db: Session) -> int:
    return db.scalar(select(func.count(InviteCode.id)).where(
        InviteCode.used_at.is_(None))) or 0


def has_admin(db: Session) -> bool:
    """Whether an active site administrator exists; until one does, sign-up is closed."""
    return db.scalar(select(User.id).where(User.is_admin.is_(True),
                                           User.is_active.is_(True)).limit(1)) is not None


def current_mode(db: Session) -> SignupMode:
    """The mode sign-ups are under: the site's, or closed while it has no admin."""
    return signup_mode(db) if has_admin(db) else SignupMode.CLOSED


def sign_up(db: Session, username: str, email: str, password: str,
            invite_code: str = "", ip: str = "",
            invitation: Invitation | None = None) -> User:
    """Create an account as the signup mode allows. `invitation`: a project invitation
    the person holds; sent to `email`, it lets them in whatever the mode, makes them a
    member with its role and is used up with the account (one transaction)."""
    admitted = invitation is not None and invitations.admits(invitation, email)
    code = None
    if not admitted:
        code = _code_for_mode(db, invite_code, invitation)
    try:
        user = add_user(db, username, email, password)
    except UserError as e:
        raise SignupError(str(e)) from None
    if code is not None:
        _use_up_code(db, code, user)
    audit.record(db, audit.SIGNUP, actor=user, subject=user.username, ip=ip)
    if admitted:
        try:
            invitations.accept(db, invitation, user, ip=ip)
        except invitations.InvitationError as e:
            raise SignupError(str(e)) from None
    return user


def _use_up_code(db: Session, code: InviteCode, user: User) -> None:
    """Mark `code` used by `user`, once, even when two sign-ups race with one code."""
    if not claim_once(db, InviteCode.used_at, code.id, used_at=utcnow(),
                      used_by_id=user.id):
        raise SignupError("This site is invite-only: enter a valid, unused invite code.")


def _code_for_mode(db: Session, invite_code: str,
                   invitation: Invitation | None) -> InviteCode | None:
    """What the signup mode asks of someone no invitation admits: nothing (open), a
    valid unused invite code (invite-only, returned to be used up), or no way in."""
    if not has_admin(db):
        raise SignupError(NOT_OPEN_YET)
    mode = signup_mode(db)
    if mode == SignupMode.OPEN:
        return None
    if invitation is not None:
        raise SignupError("This invitation admits only the email address it was sent "
                          "to: sign up with that address.")
    if mode == SignupMode.CLOSED:
        raise SignupError("Sign-ups are closed on this site.")
    code = db.scalar(select(InviteCode).where(
        InviteCode.code_hash == _hash(invite_code), InviteCode.used_at.is_(None)))
    if not invite_code.strip() or code is None:
        raise SignupError("This site is invite-only: enter a valid, unused invite code.")
    return code
