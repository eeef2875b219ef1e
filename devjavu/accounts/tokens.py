"""Personal access tokens: named, shown once, stored as argon2 hashes, revocable, and
optionally expiring.

A token looks like `djv_<lookup id>_<secret>`. The lookup id finds the row, so that
checking a token costs one hash verification, not one per token in the database.
Creating one asks for the account's password again: a browser left signed in must not
be enough to mint a long-lived credential.
"""
import re
import secrets
import string
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from devjavu.freetext import has_control_characters
from devjavu import audit
from devjavu.accounts import throttle
from devjavu.accounts.passwords import hash_secret, verify_password
from devjavu.clock import utcnow
from devjavu.models import AccessToken, User

PREFIX = "djv_"
TOKEN_RE = re.compile(r"\Adjv_([a-z0-9]{12})_([A-Za-z0-9_-]{32,64})\Z")   # \Z: no final "\n"
MAX_NAME_LENGTH = 64
MAX_TOKENS_PER_USER = 50
_LAST_USED_INTERVAL = timedelta(minutes=1)
# The lifetimes offered at creation, in days; None: until revoked.
EXPIRY_DAYS = (None, 30, 90, 365)


class TokenError(ValueError):
    """A token cannot be created or revoked as asked."""


class WrongPassword(TokenError):
    """The password given to create a token is not the account's."""


def looks_like_token(secret: str) -> bool:
    return secret.startswith(PREFIX)


def create_token(db: Session, user: User, name: str, password: str,
                 expires_in_days: int | None = None, ip: str = ""
                 ) -> tuple[AccessToken, str]:
    """A new token; returns the row and the token text, which is never shown again.

    A wrong `password` creates nothing and counts as a failed sign-in."""
    name = name.strip()
    if not name or len(name) > MAX_NAME_LENGTH:
        raise TokenError(f"Give the token a name of 1 to {MAX_NAME_LENGTH} characters.")
    if has_control_characters(name):
        raise TokenError("Token names may not contain control characters.")
    if expires_in_days not in EXPIRY_DAYS:
        raise TokenError("Choose when the token expires: never, or in 30, 90 or 365 days.")
    if not throttle.password_confirmed(db, user, password, ip, "creating a token"):
        raise WrongPassword("Your password is not right.")
    live = live_tokens(db, user)
    if len(live) >= MAX_TOKENS_PER_USER:
        raise TokenError(f"You have {MAX_TOKENS_PER_USER} tokens; revoke one first.")
    if any(t.name == name for t in live):
        raise TokenError(f"You already have a token named {name!r}.")
    alphabet = string.ascii_lowercase + string.digits
    lookup_id = "".join(secrets.choice(alphabet) for _ in range(12))
    secret = secrets.token_urlsafe(32)
    text = f"{PREFIX}{lookup_id}_{secret}"
    now = utcnow()
    token = AccessToken(user=user, name=name, lookup_id=lookup_id,
                        token_hash=hash_secret(text), created_at=now,
                        expires_at=(now + timedelta(days=expires_in_days)
                                    if expires_in_days else None))
    db.add(token)
    db.flush()
    audit.record(db, audit.TOKEN_CREATED, actor=user, subject=user.username, ip=ip,
                 detail=name if expires_in_days is None
                 else f"{name} (expires in {expires_in_days} days)")
    return token, text


def is_expired(token: AccessToken) -> bool:
    return token.expires_at is not None and token.expires_at <= utcnow()


def active_tokens(db: Session, user: User) -> list[AccessToken]:
    """Every token not revoked, expired ones included (the tokens page shows them)."""
    return list(db.scalars(select(AccessToken).where(
        AccessToken.user_id == user.id, AccessToken.revoked_at.is_(None))
        .order_by(AccessToken.created_at.desc(), AccessToken.id.desc())))


def live_tokens(db: Session, user: User) -> list[AccessToken]:
    """The tokens that work: neither revoked nor expired."""
    return [token for token in active_tokens(db, user) if not is_expired(token)]


def revoke_token(db: Session, user: User, token_id: int, ip: str = "") -> AccessToken:
    token = db.get(AccessToken, token_id)
    if token is None or token.user_id != user.id or token.revoked_at is not None:
        raise TokenError("No such token.")
    token.revoked_at = utcnow()
    audit.record(db, audit.TOKEN_REVOKED, actor=user, subject=user.username, ip=ip,
                 detail=token.name)
    return token


def revoke_all_tokens(db: Session, user: User, ip: str, why: str) -> list[AccessToken]:
    """Revoke every token of `user` not yet revoked, each in the audit log with `why`."""
    revoked = active_tokens(db, user)
    now = utcnow()
    for token in revoked:
        token.revoked_at = now
        audit.record(db, audit.TOKEN_REVOKED, actor=user, subject=user.username, ip=ip,
                     detail=f"{token.name} ({why})")
    return revoked


def token_for(db: Session, username: str, text: str) -> AccessToken | None:
    """The live token row that `text` names for `username`, unverified; or None."""
    match = TOKEN_RE.match(text)
    if match is None:
        return None
    token = db.scalar(select(AccessToken).where(AccessToken.lookup_id == match.group(1)))
    if (token is None or token.revoked_at is not None or is_expired(token)
            or token.user.username != username or not token.user.is_active):
        return None
    return token


def verify_token(token: AccessToken, text: str) -> bool:
    return verify_password(token.token_hash, text)


def note_use(token: AccessToken) -> None:
    now = utcnow()
    if token.last_used_at is None or now - token.last_used_at > _LAST_USED_INTERVAL:
        token.last_used_at = now
