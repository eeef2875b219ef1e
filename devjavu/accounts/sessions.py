"""Dashboard sign-ins: the only reader of the session cookie.

The cookie carries a random token; the database keeps only its SHA-256 (a 256-bit
random value needs no slow hash, and every request looks it up). Signing out, changing
the password or disabling the account ends sessions at once, because every request
reads the session row and the user behind it.

A session ends at its absolute expiry (`devjavu.session_days` after sign-in) or when it
has not been used for `devjavu.session_idle_minutes`, whichever comes first.
"""
import hashlib
import secrets
from datetime import timedelta
from http.cookies import CookieError, SimpleCookie

from sqlalchemy import bindparam, delete, select
from sqlalchemy.orm import Session, contains_eager

from devjavu.clock import utcnow
from devjavu.models import LoginSession, User

COOKIE_NAME = "devjavu_session"
# Writing last_seen_at on every request would make every page a write; once a minute
# keeps the idle timeout exact to a minute.
_TOUCH_INTERVAL = timedelta(minutes=1)
# Every signed-in request runs this; built once, session and user in one query.
_SESSION_WITH_USER = (select(LoginSession).join(LoginSession.user)
                      .options(contains_eager(LoginSession.user))
                      .where(LoginSession.token_hash == bindparam("token_hash")))


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(db: Session, user: User, days: int, ip: str = "",
                  user_agent: str = "") -> str:
    """A new session for `user`; returns the token for the cookie."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    db.add(LoginSession(token_hash=_hash(token), user=user, created_at=now,
                        last_seen_at=now, expires_at=now + timedelta(days=days),
                        ip_address=ip[:45], user_agent=user_agent[:255]))
    db.flush()
    return token


def session_for_token(db: Session, token: str | None) -> LoginSession | None:
    """The live session for `token` with an active user, or None."""
    if not token or len(token) > 100:
        return None
    login = db.scalar(_SESSION_WITH_USER, {"token_hash": _hash(token)})
    now = utcnow()
    if login is None or login.expires_at <= now or not login.user.is_active:
        return None
    idle_limit = timedelta(minutes=db.info["settings"].session_idle_minutes)
    if now - login.last_seen_at > idle_limit:
        return None
    if now - login.last_seen_at > _TOUCH_INTERVAL:
        login.last_seen_at = now
    return login


def user_for_token(db: Session, token: str | None) -> User | None:
    login = session_for_token(db, token)
    return login.user if login is not None else None


def token_from_cookie_header(header: str) -> str | None:
    cookie = SimpleCookie()
    try:
        cookie.load(header or "")
    except CookieError:
        return None
    morsel = cookie.get(COOKIE_NAME)
    return morsel.value if morsel is not None else None


def user_from_environ(db: Session, environ) -> User | None:
    """The signed-in user of a WSGI request, from its cookie; None if none or expired."""
    return user_for_token(db, token_from_cookie_header(environ.get("HTTP_COOKIE", "")))


def end_session(db: Session, token: str | None) -> None:
    if token:
        db.execute(delete(LoginSession).where(LoginSession.token_hash == _hash(token)))


def end_all_sessions(db: Session, user: User, keep_token: str | None = None) -> None:
    """Sign `user` out everywhere (after a password change), except `keep_token`."""
    query = delete(LoginSession).where(LoginSession.user_id == user.id)
    if keep_token:
        query = query.where(LoginSession.token_hash != _hash(keep_token))
    db.execute(query)


def recent_sessions(db: Session, user: User, limit: int = 10) -> list[LoginSession]:
    return list(db.scalars(select(LoginSession).where(LoginSession.user_id == user.id)
                           .order_by(LoginSession.created_at.desc()).limit(limit)))
