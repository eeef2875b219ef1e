"""A new project with history: its repository loaded from a dump, or from another
repository on the server, all or nothing.

A load can take minutes, and no database transaction may stay open that long (the
shared database would hold its write lock for the whole load). So the project's rules
are checked first, the history is loaded into a staging repository under
`<data_dir>/imports/` with no transaction open, and only then is the project created
(`service.create_project`, one short transaction) with the staged repository moved in
place of the empty one. Trac reads the history after the commit. A failure before the
commit leaves nothing: no row, no directory. A process killed while loading leaves a
staging directory whose lock nobody holds: every start removes it
(devjavu/projects/staging.py).
"""
import logging
import os
import shutil
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, Callable, Iterator

from subvertpy import repos

from devjavu import audit
from devjavu.accounts.users import get_user
from devjavu.projects.service import ProjectError, check_new_project, create_project
from devjavu.projects.staging import check_space, disk_watch, staging_directory
from devjavu.settings import Settings
from devjavu.site import Site
from devjavu.svn import dumps
from devjavu.svn.fsfs import youngest_on_disk
from devjavu.svn.repository import RepositoryError, take_uuid, update_hooks
from devjavu.tracenv import TracEnvError
from devjavu.tracenv.resync import resync_repository

log = logging.getLogger(__name__)


@contextmanager
def _staging(settings: Settings, name: str) -> Iterator[Path]:
    """An empty staging repository for `name` (devjavu/projects/staging.py)."""
    with staging_directory(settings, name) as path:
        repos.create(str(path))
        yield path


def import_project(site: Site, name: str, owner_name: str, stream: BinaryIO,
                   source: str, needed_bytes: int = 0, private: bool = False,
                   description: str = "", actor_name: str | None = None, ip: str = "",
                   progress: Callable[[int], None] = lambda revision: None) -> int:
    """Create project `name`, owned by `owner_name`, with the history of the dump in
    `stream` (`source` says where it came from, for the audit log; `needed_bytes` what
    it will take on disk). Returns the youngest revision. Raises ProjectError, leaving
    nothing behind."""
    settings = site.settings
    with site.reading() as db:
        check_new_project(db, name, get_user(db, owner_name), description,
                          within_cap=actor_name is not None)
    check_space(settings, needed_bytes)
    with _staging(settings, name) as staged:
        try:
            youngest = dumps.load(staged, stream, progress, stop=disk_watch(settings))
        except dumps.DumpError as e:
            raise ProjectError(_failed(name, e)) from e
        with site.unit_of_work() as db:
            actor = get_user(db, actor_name) if actor_name else None
            create_project(db, settings, name, get_user(db, owner_name),
                                     description=description, private=private, ip=ip,
                                     actor=actor, within_cap=actor is not None)
            _move_into_place(settings, staged, name)
            audit.record(db, audit.PROJECT_IMPORTED, actor=actor, subject=name, ip=ip,
                         detail=f"{youngest} revisions from {source}")
    _let_trac_read(settings, project_name=name)
    return youngest


def load_into_empty_project(settings: Settings, name: str, stream: BinaryIO,
                            progress: Callable[[int], None]) -> int:
    """Give the existing project `name`, whose repository is empty and nobody may write
    to meanwhile, the history of the dump in `stream`: loaded beside it, moved in only
    whole. Returns the youngest revision. Raises ProjectError; the project is then as
    empty as before."""
    with _staging(settings, name) as staged:
        try:
            youngest = dumps.load(staged, stream, progress, stop=disk_watch(settings))
        except dumps.DumpError as e:
            raise ProjectError(f"{str(e).rstrip('.')}. The repository is still empty.") from e
        if youngest_on_disk(settings.repository_path(name)) != 0:
            raise ProjectError(f"{name} is no longer empty: the dump was not loaded.")
        _move_into_place(settings, staged, name)
    _let_trac_read(settings, project_name=name)
    return youngest


def _failed(name: str, error: Exception) -> str:
    return f"The import of {name} failed: {str(error).rstrip('.')}. Nothing was created."


def _move_into_place(settings: Settings, staged: Path, name: str) -> None:
    """The staged repository replaces the empty one `create_project` made (which the
    transaction's rollback removes, whichever it is by then)."""
    target = settings.repository_path(name)
    try:
        take_uuid(staged, like=target)
    except RepositoryError as e:
        raise ProjectError(_failed(name, e)) from e
    empty = target.with_name(f".{name}.empty")
    os.rename(target, empty)
    try:
        os.rename(staged, target)
    except OSError:
        os.rename(empty, target)
        raise
    shutil.rmtree(empty)
    update_hooks(settings, name)


def _let_trac_read(settings: Settings, project_name: str) -> None:
    """Trac's cache of the history, filled now rather than by the first page; if this
    fails, the first page does it (devjavu/dispatch/revisions.py)."""
    try:
        resync_repository(settings, project_name)
    except TracEnvError as e:
        log.warning("Trac of %s did not read the imported history yet: %s",
                    project_name, e)

