"""Deleting a project moves its repository and Trac into the trash, where they wait
`trash_days` days before being purged; until then `devjavu-admin project restore`
brings the project back as it was, members included."""
import shutil
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from devjavu import audit, authz
from devjavu.clock import utcnow
from devjavu.models import Project, User, hooks
from devjavu.projects.moves import Moves, move_all, reversed_moves
from devjavu.projects.service import ProjectError, find_project
from devjavu.settings import Settings


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
    audit.record(db, audit.PROJECT_DELETED, actor=actor, subject=project.name, ip=ip)


def restore_project(db: Session, settings: Settings, name: str,
                    actor: User | None = None) -> Project:
    project = find_project(db, name)
    if project is None or project.deleted_at is None:
        raise ProjectError(f"No deleted project named {name!r} is in the trash.")
    moves = reversed_moves(_moves(settings, name))
    try:
        move_all(moves)
    except OSError as e:
        raise ProjectError(f"Could not restore {name}: {e}") from e
    hooks.after_rollback(db, _undo(moves))
    project.deleted_at = None
    authz.mark_stale(db, project)
    audit.record(db, audit.PROJECT_RESTORED, actor=actor, subject=name)
    return project


def purge_expired(db: Session, settings: Settings) -> list[str]:
    """Remove for good the projects deleted more than `trash_days` days ago."""
    cutoff = utcnow() - timedelta(days=settings.trash_days)
    expired = db.scalars(select(Project).where(Project.deleted_at.is_not(None),
                                               Project.deleted_at <= cutoff)).all()
    names = []
    for project in expired:
        names.append(project.name)
        db.delete(project)
        target = trash_path(settings, project.name)
        hooks.after_commit(db, f"purge:{project.name}",
                           lambda target=target: shutil.rmtree(target, ignore_errors=True))
    db.flush()
    return names


def deleted_projects(db: Session) -> list[Project]:
    return list(db.scalars(select(Project).where(Project.deleted_at.is_not(None))
                           .order_by(Project.deleted_at)))
