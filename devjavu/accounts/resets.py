"""Password reset by an emailed link: single use, valid for an hour, limited.

Someone who types an address on /reset learns nothing from the answer or its time: the
request does the same work for any address (it counts and records the request for the
client address and hands one task to `mail.sender`), and the sender thread then looks
the address up, applies the per-account limit, records the link and mails it.
"""
import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from devjavu import audit, mail, messages
from devjavu.accounts.passwordchange import replace_password
from devjavu.clock import utcnow
from devjavu.models import PasswordReset, User
from devjavu.settings import Settings

LIFETIME = timedelta(hours=1)
_LIFETIME_TEXT = "an hour"
LIMIT_WINDOW = timedelta(hours=1)
# Mails one account may receive per window, whoever asks: ten requests must not be ten
# mails to a victim.
MAX_LINKS_PER_ACCOUNT = 3
# Requests one client address may make per window, for any addresses.
MAX_REQUESTS_PER_CLIENT = 10


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def request_reset(db: Session, email: str, ip: str) -> None:
    """Someone asks for a reset link for `email` on the public form; the caller answers
    the same whatever happens here. Over the client's limit, the request is recorded as
    limited and nothing is handed off; else the lookup and the mail are handed to the
    sender thread once `db` commits."""
    if audit.count_since(db, audit.PASSWORD_RESET_REQUESTED, utcnow() - LIMIT_WINDOW,
                         ip=ip) >= MAX_REQUESTS_PER_CLIENT:
        audit.record(db, audit.PASSWORD_RESET_LIMITED, ip=ip,
                     detail="too many requests from this client address")
        return
    audit.record(db, audit.PASSWORD_RESET_REQUESTED, ip=ip)
    engine, settings = db.get_bind(), db.info["settings"]
    address = email.strip().lower()
    mail.run_after_commit(db, lambda: _mail_links(engine, settings, address, ip))


def _mail_links(engine: Engine, settings: Settings, address: str, ip: str) -> None:
    """On the sender thread: a link for each active account with `address`, within the
    per-account limit, committed before its mail goes out."""
    # The sender thread is an entry point of its own, so it owns its transaction.
    with Session(engine, info={"settings": settings}) as db:
        # An exact match: `like` would read % and _ in the address as wildcards.
        accounts = db.scalars(select(User).where(
            func.lower(User.email) == address, User.is_active.is_(True))).all()
        letters = [letter for user in accounts
                   if (letter := _link_within_limit(db, settings, user, ip)) is not None]
        db.commit()
    mail.send_now(settings, [mail.make_message(settings, *letter) for letter in letters])


def _link_within_limit(db: Session, settings: Settings, user: User, ip: str
                       ) -> messages.Letter | None:
    since = utcnow() - LIMIT_WINDOW
    if audit.count_since(db, audit.PASSWORD_RESET_SENT, since,
                         subject=user.username) >= MAX_LINKS_PER_ACCOUNT:
        audit.record(db, audit.PASSWORD_RESET_LIMITED, subject=user.username, ip=ip,
                     detail="too many links mailed to this account")
        return None
    return _new_link(db, settings, user, ip)


def _new_link(db: Session, settings: Settings, user: User, ip: str,
              actor: User | None = None) -> messages.Letter:
    token = secrets.token_urlsafe(32)
    now = utcnow()
    db.add(PasswordReset(user=user, token_hash=_hash(token), created_at=now,
                         expires_at=now + LIFETIME))
    audit.record(db, audit.PASSWORD_RESET_SENT, actor=actor, subject=user.username, ip=ip)
    return messages.password_reset_link(settings, user, token, _LIFETIME_TEXT)


def send_reset_link(db: Session, user: User, actor: User, ip: str = "") -> None:
    """A site admin sends `user` a link: mailed after the commit, outside the limits
    (the admin chose the account), but counted in the account's limit."""
    letter = _new_link(db, db.info["settings"], user, ip, actor=actor)
    mail.send_after_commit(db, *letter)


def pending_reset(db: Session, token: str) -> PasswordReset | None:
    if not token or len(token) > 100:
        return None
    reset = db.scalar(select(PasswordReset).where(PasswordReset.token_hash == _hash(token)))
    if (reset is None or reset.used_at is not None or reset.expires_at <= utcnow()
            or not reset.user.is_active):
        return None
    return reset


def complete_reset(db: Session, reset: PasswordReset, password: str, ip: str,
                   revoke_tokens: bool = True) -> None:
    """Set the password, spend this link and every other, sign the account out
    everywhere, revoke its access tokens if asked, and tell its address."""
    # Every pending link ends, this one among them.
    replace_password(db, reset.user, password, how="with a reset link", actor=reset.user,
                     ip=ip, detail="by reset link", revoke_tokens=revoke_tokens,
                     why="with a password reset")
