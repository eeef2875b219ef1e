"""Writing authz files: atomically, and only once validated against the database."""
import functools
import logging
from pathlib import Path

import svn.core
import svn.repos

from sqlalchemy import select
from sqlalchemy.orm import Session

from devjavu.authz.build import expected_access_of, parse_authz_root, render_project_authz
from devjavu.fsutil import atomic_write_many
from devjavu.models import Membership, Project, User, hooks
from devjavu.settings import Settings

log = logging.getLogger(__name__)

_STALE_KEY = "devjavu.authz.stale"
_ALL_KEY = "devjavu.authz.all"


class AuthzError(RuntimeError):
    """An authz file failed validation or could not be written."""


def authz_path(settings: Settings, project_name: str) -> Path:
    return settings.repository_path(project_name) / "conf" / "authz"


def validate_authz_file(path: Path, access: dict[str, str]) -> None:
    """Subversion's own authz parser (the one mod_authz_svn uses, in-process: a
    `svnauthz` process per file would cost milliseconds) must accept the file, grant
    every user exactly the access the database gives, and say nothing else."""
    pool = svn.core.svn_pool_create()
    try:
        rules = svn.repos.authz_read(str(path), True, pool)
        for username, expected in access.items():
            if username == "*":
                continue                   # the bindings cannot ask for anonymous
            for level, letter in ((svn.repos.svn_authz_read, "r"),
                                  (svn.repos.svn_authz_write, "w")):
                granted = svn.repos.authz_check_access(rules, "", "/", username, level,
                                                       pool)
                if bool(granted) != (letter in expected):
                    raise AuthzError(f"{path} gives {username} the wrong access")
    except svn.core.SubversionException as e:
        raise AuthzError(f"Subversion rejects {path}: {e}") from None
    finally:
        svn.core.svn_pool_destroy(pool)
    try:
        written = parse_authz_root(path.read_text(encoding="utf-8"))
    except ValueError as e:
        raise AuthzError(f"{path} does not parse back: {e}") from None
    if written != access:
        raise AuthzError(f"{path} does not match the database")


def _planned(db: Session, settings: Settings, projects: list[Project]):
    """(project, path, access, text) for each project, from one reading of the database."""
    access_of = expected_access_of(db, projects)
    for project in projects:
        access = access_of[project.id]
        yield (project, authz_path(settings, project.name), access,
               render_project_authz(project.name, access))


def _on_disk(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def write_authz_files(db: Session, settings: Settings, projects: list[Project]) -> list[str]:
    """Rewrite the authz files of `projects` that differ from the database, validated and
    atomically; returns the names that failed (their previous file stays)."""
    changed, failed = {}, []
    for project, path, access, text in _planned(db, settings, projects):
        if not path.parent.is_dir():
            log.error("authz for %s not updated: repository %s is missing",
                      project.name, path.parent.parent)
            failed.append(project.name)
        elif _on_disk(path) != text:
            changed[path] = (project.name, text, access)
    failures = atomic_write_many(
        (path, text, functools.partial(validate_authz_file, access=access))
        for path, (_, text, access) in changed.items())
    for path, error in failures.items():
        name = changed[path][0]
        log.error("authz for %s not updated, the previous file stays: %s", name, error)
        failed.append(name)
    return sorted(failed)


def regenerate_projects(db: Session, settings: Settings, names) -> list[str]:
    """Rewrite the authz files of the named projects; returns the names that failed."""
    return write_authz_files(db, settings, db.scalars(
        select(Project).where(Project.name.in_(sorted(names)),
                              Project.deleted_at.is_(None))).all())


def regenerate_all(db: Session, settings: Settings) -> list[str]:
    return write_authz_files(db, settings, _live_projects(db))


def out_of_step_projects(db: Session, settings: Settings) -> list[str]:
    """Projects whose authz file on disk is not what the database says it should be."""
    return [project.name for project, path, _, text
            in _planned(db, settings, _live_projects(db)) if _on_disk(path) != text]


def _live_projects(db: Session) -> list[Project]:
    return db.scalars(select(Project).where(Project.deleted_at.is_(None))
                      .order_by(Project.name)).all()


def _regenerate_after_commit(db: Session) -> None:
    settings = db.info["settings"]
    names = db.info.pop(_STALE_KEY, set())
    everything = db.info.pop(_ALL_KEY, False)
    # The committed session cannot run SQL any more: read the new state in a fresh one.
    with Session(bind=db.get_bind()) as fresh:
        if everything:
            regenerate_all(fresh, settings)
        else:
            regenerate_projects(fresh, settings, names)


def _schedule(db: Session) -> None:
    hooks.after_commit(db, "authz", lambda: _regenerate_after_commit(db))
    hooks.after_rollback(db, lambda: (db.info.pop(_STALE_KEY, None),
                                      db.info.pop(_ALL_KEY, None)))


def mark_stale(db: Session, project: Project) -> None:
    """The project's access changed: rewrite its authz file after the commit."""
    db.info.setdefault(_STALE_KEY, set()).add(project.name)
    _schedule(db)


def mark_all_stale(db: Session) -> None:
    """A change that touches every project (a site admin added, disabled or removed)."""
    db.info[_ALL_KEY] = True
    _schedule(db)


def mark_user_stale(db: Session, user: User) -> None:
    for membership in db.scalars(select(Membership).where(Membership.user_id == user.id)):
        mark_stale(db, membership.project)
