"""Deleting a project moves its repository and Trac into the trash, where they wait
`trash_days` days before being purged; until then its owners (on their dashboard) and
site admins (also with `devjavu-admin project restore`) bring the project back as it
was, members included."""
import contextlib
import os
import shutil
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from devjavu import audit, authz
from devjavu.clock import utcnow
from devjavu.models import Membership, Project, Role, User, hooks
from devjavu.projects.redirect_map import mark_redirects_stale
from devjavu.projects.moves import Moves, move_all, place_project, reversed_moves
from devjavu.projects.service import ProjectError, find_project
from devjavu.settings import Settings
from devjavu.svn.repository import RepositoryError
from devjavu.tracenv import TracEnvError


def trash_path(settings: Settings, name: str) -> Path:
    return settings.trash_dir / name


def _moves(settings: Settings, name: str) -> list[tuple[Path, Path]]:
    trash = trash_path(settings, name)
    return [(settings.repository_path(name), trash / "repository"),
            (settings.trac_env_path(name), trash / "trac")]


def _undo(moves: Moves):
    return lambda: move_all(reversed_moves(moves))


def delete_project(db: Session, settings: Settings, project: Project,
                   actor: User | None = None, ip: str = "") -> None:
    """Move the project's data into the trash and hide it; undone if the transaction is."""
    if project.deleted_at is not None:
        raise ProjectError(f"{project.name} is already deleted.")
    moves = _moves(settings, project.name)
    try:
        move_all(moves)
    except OSError as e:
        raise ProjectError(f"Could not move {project.name} to the trash: {e}") from e
    hooks.after_rollback(db, _undo(moves))
    project.deleted_at = utcnow()
    mark_redirects_stale(db, settings)      # its old names lead nowhere meanwhile
    audit.record(db, audit.PROJECT_DELETED, actor=actor, subject=project.name, ip=ip)


def restore_project(db: Session, settings: Settings, name: str,
                    actor: User | None = None, ip: str = "") -> Project:
    project = find_project(db, name)
    if project is None or project.deleted_at is None:
        raise ProjectError(f"No deleted project named {name!r} is in the trash.")
    moves = reversed_moves(_moves(settings, name))
    try:
        move_all(moves)
    except OSError as e:
        raise ProjectError(f"Could not restore {name}: {e}") from e
    hooks.after_rollback(db, _undo(moves))
    # What the trash kept is as old as the deletion: an upgrade or a moved data directory
    # since then left its hooks and its Trac paths behind.
    try:
        place_project(settings, name)
    except (RepositoryError, TracEnvError) as e:
        raise ProjectError(f"Could not restore {name}: {e}") from e
    project.deleted_at = None
    mark_redirects_stale(db, settings)
    authz.mark_stale(db, project)
    audit.record(db, audit.PROJECT_RESTORED, actor=actor, subject=name, ip=ip)
    return project


def _purging_dir(settings: Settings) -> Path:
    """Where a purge puts a project's trash before its row goes: a dotted name, which
    no project can have."""
    return settings.trash_dir / ".purging"


def purge_expired(db: Session, settings: Settings, ip: str = "") -> list[str]:
    """Remove for good the projects deleted more than `trash_days` days ago.

    Each one's trash is first moved aside (a rename the transaction's end undoes), so
    that a trash the command cannot change fails the purge before a row goes; the files
    are removed after the commit, and what a killed purge left is removed at the next
    start (remove_purge_leftovers)."""
    cutoff = utcnow() - timedelta(days=settings.trash_days)
    # purge_date() says the same to owners.
    expired = db.scalars(select(Project).where(Project.deleted_at.is_not(None),
                                               Project.deleted_at <= cutoff)).all()
    names = []
    for project in expired:
        moves = [(trash_path(settings, project.name),
                  _purging_dir(settings) / project.name)]
        if not os.path.lexists(moves[0][0]):
            moves = []              # lost already: the row alone goes
        try:
            move_all(moves)
        except OSError as e:
            raise ProjectError(f"Could not purge {project.name}: {e}") from e
        hooks.after_rollback(db, _undo_purge(settings, moves))
        names.append(project.name)
        db.delete(project)
        audit.record(db, audit.PROJECT_PURGED, subject=project.name, ip=ip)
    if names:
        hooks.after_commit(db, "purge", lambda: remove_purge_leftovers(settings))
    db.flush()
    return names


def _undo_purge(settings: Settings, moves: Moves):
    def undo():
        move_all(reversed_moves(moves))
        with contextlib.suppress(OSError):
            _purging_dir(settings).rmdir()      # when no other purge's files wait there
    return undo


def remove_purge_leftovers(settings: Settings) -> None:
    """The trash of purged projects, removed after the purge commits."""
    shutil.rmtree(_purging_dir(settings), ignore_errors=True)


def settle_purges(db: Session, settings: Settings) -> None:
    """What a purge killed half-way left: a trash whose project is still in the trash
    (killed before the commit) goes back; the rest was purged."""
    purging = _purging_dir(settings)
    if not purging.is_dir():
        return
    for entry in purging.iterdir():
        project = find_project(db, entry.name)
        if project is not None and project.deleted_at is not None:
            with contextlib.suppress(OSError, ProjectError):
                move_all([(entry, trash_path(settings, entry.name))])
    remove_purge_leftovers(settings)


def deleted_projects(db: Session, owner: User | None = None) -> list[Project]:
    """Projects in the trash, oldest deletion first; with `owner`, those they own."""
    query = select(Project).where(Project.deleted_at.is_not(None))
    if owner is not None:
        query = query.join(Membership).where(Membership.user_id == owner.id,
                                             Membership.role == Role.OWNER)
    return list(db.scalars(query.order_by(Project.deleted_at)))


def purge_date(settings: Settings, project: Project):
    """When the trash lets go of `project` for good."""
    return project.deleted_at + timedelta(days=settings.trash_days)
