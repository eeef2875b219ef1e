"""Run code after a session's transaction commits, or after it ends without committing.

Services never commit, yet some work must follow the commit (rewriting the authz data)
or undo itself when the transaction is abandoned (a created repository directory). The
callbacks live in `session.info` and are run by listeners on the session factory, so a
rollback never reaches disk and a commit always does.
"""
from dataclasses import dataclass, field
from typing import Callable

from sqlalchemy import event
from sqlalchemy.orm import Session, sessionmaker

_KEY = "devjavu.hooks"


@dataclass
class _Hooks:
    on_commit: dict[str, Callable[[], None]] = field(default_factory=dict)
    on_rollback: list[Callable[[], None]] = field(default_factory=list)
    committed: bool = False


def _hooks(db: Session) -> _Hooks:
    return db.info.setdefault(_KEY, _Hooks())


def after_commit(db: Session, key: str, callback: Callable[[], None]) -> None:
    """Run `callback` once after the commit; a second call with the same key replaces it."""
    _hooks(db).on_commit[key] = callback


def after_rollback(db: Session, callback: Callable[[], None]) -> None:
    """Run `callback` if the transaction ends without committing."""
    _hooks(db).on_rollback.append(callback)


def _mark_committed(session: Session) -> None:
    hooks = session.info.get(_KEY)
    if hooks is not None:
        hooks.committed = True


def _run_hooks(session: Session, transaction) -> None:
    if transaction.parent is not None:
        return
    hooks = session.info.pop(_KEY, None)
    if hooks is None:
        return
    if hooks.committed:
        for callback in hooks.on_commit.values():
            callback()
    else:
        for callback in reversed(hooks.on_rollback):
            callback()


def install(session_factory: sessionmaker) -> None:
    event.listen(session_factory, "after_commit", _mark_committed)
    event.listen(session_factory, "after_transaction_end", _run_hooks)
