"""How the Trac components learn who may do what, from the dispatcher that runs them.

The dispatcher computes the requesting user's role once per request and sets it here
for the duration of the request; other users' roles (asked, for example, when Trac
lists possible ticket owners) come from `lookup`, which devjavu/tracruntime.install() sets. Where
no dispatcher runs (trac-admin on the command line), every permission check is refused.
"""
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Callable

from devjavu.models import Role


@dataclass(frozen=True)
class Access:
    """What a user may do on one project: `visible` False means nothing at all."""
    project: str
    username: str
    role: Role | None
    visible: bool


_current: ContextVar[Access | None] = ContextVar("devjavu_trac_access", default=None)
_lookup: Callable[[str, str], Access] | None = None


def install_lookup(lookup: Callable[[str, str], Access]) -> None:
    global _lookup
    _lookup = lookup


@contextmanager
def request_access(access: Access):
    token = _current.set(access)
    try:
        yield
    finally:
        _current.reset(token)


def access_of(project: str, username: str) -> Access | None:
    current = _current.get()
    if current is not None and (current.project, current.username) == (project, username):
        return current
    if _lookup is None:
        return None
    return _lookup(project, username)
