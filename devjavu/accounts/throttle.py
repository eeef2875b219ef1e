"""The one limit on guessing passwords, for every way in: the /login form, and Basic
auth over svn and to Trac, with a password or a personal access token.

A failure is the audit log's `signin.failed` event, so every process (Apache's
children, which check svn passwords, and the WSGI daemon) counts the same failures in
the shared database. Before a password is checked at all, three counts over the last
15 minutes decide whether the attempt must wait:

- this account from this address: 5 failures free, then each further attempt waits
  1 s after the last of them, twice as long for every failure, up to 15 minutes;
- this address, whatever the accounts (spraying one password over many names): 20
  free, then the same;
- this account from any address: 5 free, then 1 s, doubling every 5 failures up to
  one minute; it holds back only addresses that have themselves failed in the window.

An attempt that must wait is refused without checking the password, and is not itself
counted: a flood of refusals writes nothing. So no one locks an account by guessing at
it: the owner, from an address that has not been failing, signs in at once, and after
a mistyped password waits at most a minute. A failure is one database write; a
successful check writes nothing here.
"""
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, and_, bindparam, func, select
from sqlalchemy.orm import Session

from devjavu import audit
from devjavu.accounts.passwords import verify_password
from devjavu.clock import utcnow
from devjavu.models import AuditEvent

WINDOW = timedelta(minutes=15)


@dataclass(frozen=True)
class Backoff:
    """How long an attempt waits after `failures` in the window."""
    free_failures: int
    doubling_every: int
    longest: timedelta

    def wait_after(self, failures: int) -> timedelta:
        if failures < self.free_failures:
            return timedelta(0)
        doublings = min((failures - self.free_failures) // self.doubling_every, 30)
        return min(self.longest, timedelta(seconds=2 ** doublings))


FROM_ADDRESS_TO_ACCOUNT = Backoff(free_failures=5, doubling_every=1, longest=WINDOW)
FROM_ADDRESS = Backoff(free_failures=20, doubling_every=1, longest=WINDOW)
TO_ACCOUNT = Backoff(free_failures=5, doubling_every=5, longest=timedelta(minutes=1))


class TooManyFailures(Exception):
    """The attempt must wait; the message is safe to show."""

    def __init__(self, retry_after: int):
        self.retry_after = retry_after
        if retry_after >= 120:
            wait = f"{math.ceil(retry_after / 60)} minutes"
        else:
            wait = f"{retry_after} second{'s' if retry_after != 1 else ''}"
        super().__init__(f"Too many failed sign-ins. Try again in {wait}.")


def account_key(username: str) -> str:
    """The name failures are counted under: as /login reads a username, so that "Amy"
    over svn and "amy" in the form are one account's failures."""
    return username.strip().lower()[:64]


_events = AuditEvent.__table__.c
_failed_since = and_(_events.event == audit.SIGNIN_FAILED,
                     _events.at >= bindparam("since"))
# Every delay is at its longest by this many failures (a test holds it), so no count
# reads more index entries than this, however many failures a botnet has piled up.
COUNTED_AT_MOST = 64
# Built once: they run before every svn request's password check. Each reads the
# newest failures from the end of an index range: (event, ip_address, at), whose
# subjects also give the account-from-this-address count, and (event, subject, at).
_FROM_ADDRESS = select(_events.subject, _events.at).where(
    _failed_since, _events.ip_address == bindparam("address")).order_by(
    _events.at.desc()).limit(COUNTED_AT_MOST)
_newest_to_account = select(_events.at).where(
    _failed_since, _events.subject == bindparam("account")).order_by(
    _events.at.desc()).limit(COUNTED_AT_MOST).subquery()
_TO_ACCOUNT = select(func.count(), func.max(_newest_to_account.c.at))


def _not_before(failures: int, last: datetime | None, backoff: Backoff
                ) -> datetime | None:
    wait = backoff.wait_after(failures)
    return None if last is None or not wait else last + wait


def seconds_to_wait(connection: Connection | Session, username: str, address: str,
                    now: datetime | None = None) -> int:
    """How long an attempt at `username` from `address` must wait: 0 for none."""
    now = now or utcnow()
    account = account_key(username)
    parameters = {"account": account, "address": address, "since": now - WINDOW}
    from_address = connection.execute(_FROM_ADDRESS, parameters).all()
    to_pair = [at for subject, at in from_address if subject == account]
    limits = [
        _not_before(len(to_pair), max(to_pair, default=None), FROM_ADDRESS_TO_ACCOUNT),
        _not_before(len(from_address), max((at for _, at in from_address), default=None),
                    FROM_ADDRESS),
    ]
    if from_address:         # the account's delay holds back failing addresses only
        to_account, last = connection.execute(_TO_ACCOUNT, parameters).one()
        limits.append(_not_before(to_account, last, TO_ACCOUNT))
    latest = max((limit for limit in limits if limit is not None), default=None)
    if latest is None or latest <= now:
        return 0
    return math.ceil((latest - now).total_seconds())


def ensure_allowed(connection: Connection | Session, username: str, address: str) -> None:
    """Raises TooManyFailures when the attempt must wait."""
    wait = seconds_to_wait(connection, username, address)
    if wait:
        raise TooManyFailures(wait)


def record_failure(connection: Connection | Session, username: str, address: str,
                   way_in: str) -> None:
    """Count a failed attempt (the caller commits). `way_in` says where it came from:
    form, svn, trac, with " token" for an access token."""
    audit.append(connection, audit.SIGNIN_FAILED, subject=account_key(username),
                 ip=address, detail=way_in)


def password_confirmed(connection: Connection | Session, user, password: str,
                       address: str, way_in: str) -> bool:
    """A signed-in user's password asked again (creating a token, changing the email or
    the password): the same limit as a sign-in, so that a stolen session cannot guess
    the password there. Raises TooManyFailures; a failure is counted."""
    ensure_allowed(connection, user.username, address)
    if verify_password(user.password_hash, password):
        return True
    record_failure(connection, user.username, address, way_in)
    return False
