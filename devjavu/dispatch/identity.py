"""Who is making a request to a project's Trac.

The dashboard's session cookie (a browser), or HTTP Basic credentials (scripts and
tools) checked against the shared database with the same `CredentialChecker` as
Subversion: a password or a personal access token, under the same sign-in limit.
"""
import base64
import binascii

from sqlalchemy.orm import Session

from devjavu.accounts import sessions
from devjavu.accounts.credentials import CredentialChecker
from devjavu.clientaddress import Network, client_address
from devjavu.models import User


class BadCredentials(Exception):
    """Credentials were sent and are wrong (or the account is disabled)."""


def basic_credentials(environ) -> tuple[str, str] | None:
    header = environ.get("HTTP_AUTHORIZATION", "")
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic" or not encoded:
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise BadCredentials("malformed Basic credentials") from None
    username, sep, password = decoded.partition(":")
    if not sep:
        raise BadCredentials("malformed Basic credentials")
    return username, password


def identify(db: Session, checker: CredentialChecker, environ,
             trusted_proxies: tuple[Network, ...] = ()) -> User | None:
    """The authenticated user, None for anonymous. Raises BadCredentials, with the
    failure added to `db` for the caller to commit, or throttle.TooManyFailures."""
    credentials = basic_credentials(environ)
    if credentials is None:
        return sessions.user_from_environ(db, environ)
    username, secret = credentials
    user = checker.attempt(db, username, secret, client_address(environ, trusted_proxies),
                           "trac")
    if user is None:
        raise BadCredentials("wrong username or password")
    return user
