"""Marking access as changed, for the access files to be rewritten after the commit.

This is all that services need of authz, and all they import: no Subversion bindings,
no Trac. The marks live in the session; the site (devjavu/site.py) gives its sessions
the writer (devjavu/authz/install.py), which reads the new state once the transaction
has committed, so a rollback never reaches disk.
"""
from sqlalchemy import select
from sqlalchemy.orm import Session

from devjavu.models import Membership, Project, User, hooks

# Session info: the callable that rewrites the marked files after the commit.
WRITER_KEY = "devjavu.authz.writer"
_STALE_KEY = "devjavu.authz.stale"
_ADMINS_KEY = "devjavu.authz.admins"


class NoAccessWriter(RuntimeError):
    """Access was changed in a session of a site opened without the access-file writer
    (Apache's children): the change would never reach the access files."""


def take_marks(db: Session) -> tuple[set[str], bool]:
    """(the names of the projects marked, whether the site admins were) and forget them."""
    return db.info.pop(_STALE_KEY, set()), db.info.pop(_ADMINS_KEY, False)


def _schedule(db: Session) -> None:
    write = db.info.get(WRITER_KEY)
    if write is None:
        raise NoAccessWriter("access changed in a session that cannot write the access "
                             "files: open the site with devjavu.site.Site")
    hooks.after_commit(db, "authz", lambda: write(db))
    hooks.after_rollback(db, lambda: take_marks(db))


def mark_stale(db: Session, project: Project) -> None:
    """The project's access changed: rewrite its authz file after the commit."""
    db.info.setdefault(_STALE_KEY, set()).add(project.name)
    _schedule(db)


def mark_site_admins_stale(db: Session) -> None:
    """The site admins changed (one added, disabled or removed): rewrite the groups file,
    which every repository shares, after the commit."""
    db.info[_ADMINS_KEY] = True
    _schedule(db)


def mark_user_stale(db: Session, user: User) -> None:
    for membership in db.scalars(select(Membership).where(Membership.user_id == user.id)):
        mark_stale(db, membership.project)
