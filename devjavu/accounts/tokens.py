"""Personal access tokens: named, shown once, stored as argon2 hashes, revocable.

A token looks like `djv_<lookup id>_<secret>`. The lookup id finds the row, so that
checking a token costs one hash verification, not one per token in the database.
"""
import re
import secrets
import string
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from devjavu.accounts.passwords import hash_secret, verify_password
from devjavu.clock import utcnow
from devjavu.models import AccessToken, User

PREFIX = "djv_"
TOKEN_RE = re.compile(r"\Adjv_([a-z0-9]{12})_([A-Za-z0-9_-]{32,64})\Z")   # \Z: no final "\n"
MAX_NAME_LENGTH = 64
MAX_TOKENS_PER_USER = 50
_LAST_USED_INTERVAL = timedelta(minutes=1)


class TokenError(ValueError):
    """A token cannot be created or revoked as asked."""


def looks_like_token(secret: str) -> bool:
    return secret.startswith(PREFIX)


def create_token(db: Session, user: User, name: str) -> tuple[AccessToken, str]:
    """A new token; returns the row and the token text, which is never shown again."""
    name = name.strip()
    if not name or len(name) > MAX_NAME_LENGTH:
        raise TokenError(f"Give the token a name of 1 to {MAX_NAME_LENGTH} characters.")
    if any(ord(c) < 32 for c in name):
        raise TokenError("Token names may not contain control characters.")
    active = active_tokens(db, user)
    if len(active) >= MAX_TOKENS_PER_USER:
        raise TokenError(f"You have {MAX_TOKENS_PER_USER} tokens; revoke one first.")
    if any(t.name == name for t in active):
        raise TokenError(f"You already have a token named {name!r}.")
    alphabet = string.ascii_lowercase + string.digits
    lookup_id = "".join(secrets.choice(alphabet) for _ in range(12))
    secret = secrets.token_urlsafe(32)
    text = f"{PREFIX}{lookup_id}_{secret}"
    token = AccessToken(user=user, name=name, lookup_id=lookup_id,
                        token_hash=hash_secret(text), created_at=utcnow())
    db.add(token)
    db.flush()
    return token, text


def active_tokens(db: Session, user: User) -> list[AccessToken]:
    return list(db.scalars(select(AccessToken).where(
        AccessToken.user_id == user.id, AccessToken.revoked_at.is_(None))
        .order_by(AccessToken.created_at.desc(), AccessToken.id.desc())))


def revoke_token(db: Session, user: User, token_id: int) -> AccessToken:
    token = db.get(AccessToken, token_id)
    if token is None or token.user_id != user.id or token.revoked_at is not None:
        raise TokenError("No such token.")
    token.revoked_at = utcnow()
    return token


def token_for(db: Session, username: str, text: str) -> AccessToken | None:
    """The live token row that `text` names for `username`, unverified; or None."""
    match = TOKEN_RE.match(text)
    if match is None:
        return None
    token = db.scalar(select(AccessToken).where(AccessToken.lookup_id == match.group(1)))
    if (token is None or token.revoked_at is not None or token.user.username != username
            or not token.user.is_active):
        return None
    return token


def verify_token(token: AccessToken, text: str) -> bool:
    return verify_password(token.token_hash, text)


def note_use(token: AccessToken) -> None:
    now = utcnow()
    if token.last_used_at is None or now - token.last_used_at > _LAST_USED_INTERVAL:
        token.last_used_at = now
