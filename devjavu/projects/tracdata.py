"""A project's Trac data out and in: its tickets, wiki, milestones, components,
versions, ticket enums, reports and attachments, as an archive (format:
devjavu/tracenv/archive_format.py).

Out: the archive, streamed as it is made. In: into an existing project, from our own
archive or from a tar of another Trac 1.x environment, with another site's user names
mapped to this site's accounts. An import replaces the project's Trac data; a project
whose Trac already has tickets, attachments or wiki edits of its own is refused unless
its owner asks for the replacement. The archive is unpacked into a staging folder under
`<data_dir>/imports/` (devjavu/projects/staging.py), checked whole, and written in one
Trac transaction (devjavu/tracenv/archive_import.py): a failure changes nothing.
"""
from typing import BinaryIO, Iterator

from sqlalchemy.orm import Session

from devjavu import audit
from devjavu.accounts.users import find_user
from devjavu.models import Project, User
from devjavu.projects.service import ProjectError
from devjavu.projects.staging import (check_space, disk_watch, estimated_bytes,
                                      space_above_reserve, staging_directory)
from devjavu.settings import Settings
from devjavu.tracenv import TracEnvError
from devjavu.tracenv.archive_export import archive_chunks
from devjavu.tracenv.archive_format import ArchiveError
from devjavu.tracenv.archive_import import AttachmentsNotMoved, import_archive
from devjavu.tracenv.archive_reader import ArchiveLimits
from devjavu.tracenv.usermap import UserMapError, parse_user_map


def export_trac_data(settings: Settings, name: str) -> Iterator[bytes]:
    """Project `name`'s Trac data as a gzipped tar, chunk by chunk (nothing is read
    before the first chunk is asked for)."""
    return archive_chunks(settings.trac_env_path(name), name)


def archive_file_name(name: str) -> str:
    return f"{name}-trac.tar.gz"


def user_names(db: Session, user_map: str) -> dict[str, str]:
    """The map `user_map` (usermap.py: `old new` a line), each new name an account of
    this site, spelt as the account is. Raises ProjectError."""
    try:
        names = parse_user_map(user_map)
    except UserMapError as e:
        raise ProjectError(str(e)) from None
    accounts = {new: find_user(db, new) for new in set(names.values())}
    unknown = sorted(new for new, user in accounts.items() if user is None)
    if unknown:
        raise ProjectError(f"The user map names {', '.join(map(repr, unknown[:5]))}, "
                           "which this site has no account for.")
    return {old: accounts[new].username for old, new in names.items()}


def import_trac_data(db: Session, settings: Settings, project: Project, archive: BinaryIO,
                     user_map: str = "", replace: bool = False, actor: User | None = None,
                     ip: str = "") -> str:
    """Replace `project`'s Trac data by that of the archive in `archive` (see above);
    returns what was imported, in words. Raises ProjectError; the project's Trac is
    then unchanged."""
    names = user_names(db, user_map)
    check_space(settings, estimated_bytes(archive))
    # However well it compresses, an archive never unpacks past the disk's reserve.
    limits = ArchiveLimits(unpacked_bytes=max(0, min(ArchiveLimits.unpacked_bytes,
                                                     space_above_reserve(settings))))
    with staging_directory(settings, f"{project.name}.trac") as staging:
        staging.mkdir(mode=0o700)
        try:
            result = import_archive(settings.trac_env_path(project.name), archive, names,
                                    replace, staging, limits, disk_watch(settings))
        except AttachmentsNotMoved as e:
            raise ProjectError(str(e)) from e
        except (ArchiveError, TracEnvError) as e:
            raise ProjectError(f"The Trac data import into {project.name} failed: "
                               f"{str(e).rstrip('.')}. Nothing was changed.") from e
    audit.record(db, audit.PROJECT_TRAC_IMPORTED, actor=actor, subject=project.name, ip=ip,
                 detail=result.summary() + (", replacing its own" if replace else ""))
    return result.summary()
