"""User accounts: creation, password changes, disabling."""
import re

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from devjavu import authz
from devjavu.accounts.passwords import hash_password
from devjavu.models import User

# Every pattern is anchored with \A and \Z: "$" also matches before a final newline, and
# a name ending in one would break the authz file of each project it joins.
USERNAME_RE = re.compile(r"\A[a-z][a-z0-9_.-]{1,31}\Z")
# One address, never a list: the local part is a dot-atom (RFC 5322) without the quote
# characters, so no comma, semicolon, angle bracket, quote, space, backslash, parenthesis
# or colon can make a mail header name a second recipient; the domain is dot-separated
# labels of letters, digits and inner hyphens.
_ATOM = r"[A-Za-z0-9!#$%&*+/=?^_{|}~-]+"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
EMAIL_RE = re.compile(
    rf"\A(?=[^@]{{1,64}}@){_ATOM}(?:\.{_ATOM})*@(?:{_LABEL}\.)+[A-Za-z]{{2,63}}\Z")
# Names Subversion or Trac treat specially, and names that would pass for staff.
RESERVED_USERNAMES = frozenset({"anonymous", "authenticated", "admin", "root", "svn",
                                "trac", "www-data", "devjavu", "system"})


class UserError(ValueError):
    """A user cannot be created or changed as asked."""


def validate_username(username: str) -> str:
    if not USERNAME_RE.match(username):
        raise UserError(
            f"Invalid username {username!r}: use 2 to 32 characters of a-z, 0-9, '_', '.'"
            " or '-', starting with a lower-case letter.")
    if username in RESERVED_USERNAMES:
        raise UserError(f"The username {username!r} is reserved.")
    return username


def validate_email(email: str) -> str:
    """The address without surrounding spaces; raises UserError unless it is exactly one
    address (a newline or other control character anywhere is refused, not stripped)."""
    email = email.strip(" ")
    if len(email) > 254 or not EMAIL_RE.match(email):
        raise UserError(f"Invalid email address {email!r}.")
    return email


def find_user(db: Session, username: str) -> User | None:
    return db.scalar(select(User).where(User.username == username.lower()))


def get_user(db: Session, username: str) -> User:
    user = find_user(db, username)
    if user is None:
        raise UserError(f"No such user: {username!r}.")
    return user


def add_user(db: Session, username: str, email: str, password: str,
             is_admin: bool = False) -> User:
    """Create an account. Raises UserError (bad name, email or password, or taken)."""
    validate_username(username)
    email = validate_email(email)
    if db.scalar(select(User.id).where(func.lower(User.username) == username.lower())):
        raise UserError(f"The username {username!r} is taken.")
    try:
        password_hash = hash_password(password)
    except ValueError as e:
        raise UserError(str(e)) from None
    user = User(username=username, email=email, password_hash=password_hash,
                is_admin=is_admin, is_active=True)
    db.add(user)
    db.flush()
    if is_admin:
        authz.mark_site_admins_stale(db)
    return user


def set_password(db: Session, user: User, password: str) -> None:
    """Replace the password; cached verifications of the old one stop matching at once."""
    try:
        user.password_hash = hash_password(password)
    except ValueError as e:
        raise UserError(str(e)) from None


def set_active(db: Session, user: User, active: bool) -> None:
    user.is_active = active
    authz.mark_user_stale(db, user)
    if user.is_admin:
        authz.mark_site_admins_stale(db)


def list_users(db: Session) -> list[User]:
    return list(db.scalars(select(User).order_by(User.username)))
