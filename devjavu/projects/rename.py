"""Renaming a project: its URLs, its repository and Trac directories, and every file
that names them.

The database row keeps its id, so members, invitations and history stay. On disk the
repository and the Trac environment move, Trac's paths are rewritten, and the authz
file follows after the commit. Working copies keep the old URL
until `svn relocate`; the old name stays the project's for `renamed_name_days`
(devjavu.projects.renamed_names): its Trac URLs and svn URLs lead to the new name.
"""
from sqlalchemy.orm import Session

from devjavu import audit, authz
from devjavu.jobs import queue
from devjavu.models import Project, User, hooks
from devjavu.projects.moves import Moves, move_all, place_project, reversed_moves
from devjavu.projects.names import validate_project_name
from devjavu.projects.redirect_map import mark_redirects_stale
from devjavu.projects.renamed_names import reserve_old_name
from devjavu.projects.service import ProjectError, check_name_available
from devjavu.settings import Settings
from devjavu.svn.repository import RepositoryError
from devjavu.tracenv import TracEnvError


def _moves(settings: Settings, old: str, new: str) -> Moves:
    return [(settings.repository_path(old), settings.repository_path(new)),
            (settings.trac_env_path(old), settings.trac_env_path(new))]


def _settle(settings: Settings, name: str, old_name: str) -> None:
    """Make the moved directories work under `name`."""
    try:
        place_project(settings, name, old_name=old_name)
    except (RepositoryError, TracEnvError, OSError) as e:
        raise ProjectError(f"Could not move {old_name} to {name}: {e}") from e


def rename_project(db: Session, settings: Settings, project: Project, new_name: str,
                   actor: User | None = None, ip: str = "") -> None:
    """Rename `project` to `new_name`, on disk now and in the database at the commit;
    if the transaction is abandoned, everything moves back. Raises ProjectError."""
    old_name = project.name
    try:
        validate_project_name(new_name)
    except ValueError as e:
        raise ProjectError(str(e)) from None
    if project.deleted_at is not None:
        raise ProjectError(f"{old_name} is in the trash: restore it before renaming it.")
    if new_name == old_name:
        raise ProjectError(f"The project is already called {new_name!r}.")
    if queue.write_blocked_project_ids(db, [project.id]):
        # The copy writes into the repository's directory, which a rename moves.
        raise ProjectError(f"{old_name} is being imported: rename it once the import has "
                           "ended or been given up.")
    check_name_available(db, new_name, project)
    moves = _moves(settings, old_name, new_name)
    try:
        move_all(moves)
    except OSError as e:
        raise ProjectError(f"Could not move {old_name} to {new_name}: {e}") from e

    def move_back():
        move_all(reversed_moves(moves))
        _settle(settings, old_name, new_name)

    try:
        _settle(settings, new_name, old_name)
    except BaseException:
        move_back()
        raise
    hooks.after_rollback(db, move_back)
    project.name = new_name
    reserve_old_name(db, settings.renamed_name_days, project, old_name, new_name)
    mark_redirects_stale(db, settings)
    authz.mark_stale(db, project)
    audit.record(db, audit.PROJECT_RENAMED, actor=actor, subject=new_name, ip=ip,
                 detail=f"from {old_name}")
