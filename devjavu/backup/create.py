"""Taking a backup: estimate, refuse or copy, verify, rename into place, prune."""
import errno
import fcntl
import logging
import os
import shutil
import sqlite3
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import trac
from sqlalchemy import select, text

from devjavu.backup import layout, sources
from devjavu.backup.manifest import (ManifestError, checksums, verify_checksums,
                                     write_manifest)
from devjavu.backup.retention import prune
from devjavu.backup.status import record_failure, record_success
from devjavu.fsutil import directory_size, fsync_directory
from devjavu.models import Project
from devjavu.site import Site
from devjavu.svn.repository import youngest_revision

log = logging.getLogger(__name__)
# Copies are a little larger than their sources (hotcopy's own files, the manifest).
ESTIMATE_MARGIN = 1.10
ESTIMATE_SLACK_BYTES = 2 * 2**20


class BackupError(RuntimeError):
    """The backup did not happen; nothing partial is left and live data is untouched."""


class NotEnoughSpace(BackupError):
    """Refused before starting: the backup would eat into the disk reserve."""


@contextmanager
def _exclusive(backup_dir: Path):
    with open(backup_dir / ".lock", "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BackupError("another backup is running") from None
        yield


def live_projects(site: Site) -> list[str]:
    with site.reading() as db:
        return list(db.scalars(select(Project.name).where(Project.deleted_at.is_(None))
                               .order_by(Project.name)))


def estimate_bytes(site: Site, projects: list[str]) -> int:
    settings = site.settings
    total = sum(directory_size(settings.repository_path(p))
                + directory_size(settings.trac_env_path(p)) for p in projects)
    if sources.database_is_sqlite(settings):
        total += os.path.getsize(sources.sqlite_path(settings))
    return int(total * ESTIMATE_MARGIN) + ESTIMATE_SLACK_BYTES


def check_space(backup_dir: Path, needed: int, reserve) -> None:
    usage = shutil.disk_usage(backup_dir)
    keep = reserve.bytes_for(usage.total)
    if usage.free - needed < keep:
        raise NotEnoughSpace(
            f"not enough disk for a backup in {backup_dir}: it needs about "
            f"{needed // 2**20 + 1} MiB, {usage.free // 2**20} MiB are free and "
            f"{keep // 2**20} MiB ({reserve}) must stay free")


def _versions(site: Site) -> dict:
    svn = subprocess.run(["svnadmin", "--version", "--quiet"], capture_output=True, text=True)
    with site.engine.connect() as connection:
        schema = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    return {"trac": trac.__version__, "subversion": svn.stdout.strip(),
            "python": sys.version.split()[0], "schema": schema}


def _verify_copy(root: Path, manifest: dict) -> None:
    for project in manifest["projects"]:
        copied = youngest_revision(root / "repos" / project["name"])
        if copied < project["youngest"]:
            raise BackupError(f"{project['name']}: copy has r{copied}, "
                              f"expected at least r{project['youngest']}")
    for path in [*root.glob("database/*.sqlite"), *root.glob("trac/*/db/*.db")]:
        if not sqlite_is_intact(path):
            raise BackupError(f"{path.relative_to(root)} fails its integrity check")
    verify_checksums(root, manifest)


def sqlite_is_intact(path: Path) -> bool:
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        connection.close()


def _copy_everything(site: Site, root: Path, projects: list[str], progress) -> list[dict]:
    settings = site.settings
    progress.step("database")
    if sources.database_is_sqlite(settings):
        sources.copy_sqlite(sources.sqlite_path(settings), root / layout.SQLITE_COPY)
    else:
        sources.dump_postgres(settings.database_url, root / layout.POSTGRES_DUMP)
    copied = []
    for name in projects:
        progress.step(name)
        # The revision first: the copy may hold later ones, never fewer.
        youngest = youngest_revision(settings.repository_path(name))
        sources.hotcopy_repository(settings.repository_path(name), root / "repos" / name)
        sources.copy_trac_environment(settings.trac_env_path(name), root / "trac" / name)
        copied.append({"name": name, "youngest": youngest})
    progress.step("config")
    sources.copy_config(settings, root / "config")
    return copied


def create_backup(site: Site, progress, dest: Path | None = None) -> Path:
    """Take a backup into `dest` (default: the configured backup directory)."""
    settings = site.settings
    backup_dir = Path(dest or settings.backup_dir)
    backup_dir.mkdir(parents=True, exist_ok=True)
    with _exclusive(backup_dir):
        projects = live_projects(site)
        needed = estimate_bytes(site, projects)
        try:
            check_space(backup_dir, needed, settings.disk_reserve)
        except NotEnoughSpace as e:
            record_failure(backup_dir, str(e))
            raise
        stamp = layout.new_stamp()
        partial = backup_dir / f".partial-{stamp}"
        progress.start(len(projects) + 3)
        try:
            partial.mkdir()
            copied = _copy_everything(site, partial, projects, progress)
            progress.step("verify")
            manifest = {"created": stamp, "versions": _versions(site), "projects": copied,
                        "database": "sqlite" if sources.database_is_sqlite(settings)
                        else "postgresql", "files": checksums(partial)}
            _verify_copy(partial, manifest)
            write_manifest(partial, manifest)
            os.sync()
            final = backup_dir / stamp
            os.rename(partial, final)
            fsync_directory(backup_dir)
        except (OSError, sources.CopyError, BackupError, ManifestError, sqlite3.Error) as e:
            shutil.rmtree(partial, ignore_errors=True)
            reason = _describe(e)
            record_failure(backup_dir, reason)
            raise BackupError(f"backup failed, partial output removed, live data untouched: "
                              f"{reason}") from e
        finally:
            progress.close()
    size = directory_size(final)
    record_success(backup_dir, final, size)
    removed = prune(backup_dir, settings.backup_keep_daily, settings.backup_keep_weekly)
    for path in removed:
        log.info("pruned old backup %s", path.name)
    return final


def _describe(error: Exception) -> str:
    if isinstance(error, OSError) and error.errno == errno.ENOSPC:
        return "the disk is full"
    message = str(error)
    if "No space left on device" in message:
        return f"the disk is full ({message.splitlines()[0]})"
    return message
