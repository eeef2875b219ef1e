"""Restoring a backup into an empty data directory, checking everything on the way:
checksums first, then `svnadmin verify`, the Trac environments and the database."""
import dataclasses
import shutil
import subprocess
from pathlib import Path

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect
from sqlalchemy.engine import make_url

from devjavu import datadir, upkeep
from devjavu.backup import layout, sources
from devjavu.backup.create import sqlite_is_intact
from devjavu.backup.handover import HandoverError, handover
from devjavu.backup.manifest import ManifestError, check_contents, read_manifest
from devjavu.backup.signing import SignatureError, verify
from devjavu.backup.stream import receive_tree, send_tree
from devjavu.datadir import UnsafePathError
from devjavu.failures import describe_failure
from devjavu.migrate import alembic_config
from devjavu.projects.moves import place_project
from devjavu.settings import Settings
from devjavu.site import Site
from devjavu.svn.repository import RepositoryError
from devjavu.tracenv import TracEnvError


class RestoreError(RuntimeError):
    """The backup cannot be restored as asked; the message says why."""


def settings_for(settings: Settings, data_dir: Path | None) -> Settings:
    """The site's settings, moved to `data_dir` (a SQLite database inside the old data
    directory moves with it)."""
    if data_dir is None:
        return settings
    data_dir = Path(data_dir).resolve()
    url = make_url(settings.database_url)
    database_url = settings.database_url
    if url.get_backend_name() == "sqlite":
        old = Path(url.database)
        if old.is_relative_to(settings.data_dir):
            database_url = url.set(database=str(data_dir / old.relative_to(
                settings.data_dir))).render_as_string(hide_password=False)
    return dataclasses.replace(settings, data_dir=data_dir, database_url=database_url)


def check_backup(backup: Path, key: bytes) -> dict:
    """The manifest, once the backup lies where only root can change it, carries this
    site's signature, holds nothing but folders and files of valid projects, and every
    file matches its checksum."""
    try:
        datadir.check_root_only(backup)
        verify(backup, key)
    except (UnsafePathError, SignatureError) as e:
        raise RestoreError(f"the backup is refused: {e}") from None
    try:
        manifest = read_manifest(backup)
        check_contents(backup, manifest)
    except ManifestError as e:
        raise RestoreError(f"the backup is damaged: {e}") from None
    return manifest


def check_target_empty(settings: Settings) -> None:
    data_dir = settings.data_dir
    if data_dir.exists() and any(data_dir.iterdir()):
        raise RestoreError(f"{data_dir} is not empty: restore only into an empty data "
                           "directory")


def _verify_repository(path: Path) -> None:
    result = subprocess.run(["svnadmin", "verify", "--quiet", str(path)],
                            capture_output=True, text=True)
    if result.returncode != 0:
        raise RestoreError(f"svnadmin verify {path.name}: {result.stderr.strip()}")


def _restore_database(settings: Settings, backup: Path, manifest: dict) -> None:
    if manifest["database"] == "sqlite":
        if not sources.database_is_sqlite(settings):
            raise RestoreError("the backup holds a SQLite database but the site uses "
                               "PostgreSQL")
        target = sources.sqlite_path(settings)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(backup / layout.SQLITE_COPY, target)
        if not sqlite_is_intact(target):
            raise RestoreError("the restored database fails its integrity check")
        return
    site = Site(settings)
    try:
        if inspect(site.engine).get_table_names():
            raise RestoreError("the PostgreSQL database is not empty")
    finally:
        site.dispose()
    result = subprocess.run(["pg_restore", "--no-owner", "--exit-on-error",
                             f"--dbname={sources.libpq_url(settings.database_url)}",
                             str(backup / layout.POSTGRES_DUMP)], capture_output=True,
                            text=True)
    if result.returncode != 0:
        raise RestoreError(f"pg_restore: {result.stderr.strip()}")


def _place_project(settings: Settings, name: str) -> None:
    try:
        place_project(settings, name)
    except (RepositoryError, TracEnvError) as e:
        raise RestoreError(str(e)) from None
    if not sqlite_is_intact(settings.trac_env_path(name) / "db" / "trac.db"):
        raise RestoreError(f"the Trac database of {name} fails its integrity check")


def _check_schema(site: Site) -> None:
    head = ScriptDirectory.from_config(alembic_config(site.engine)).get_current_head()
    with site.engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
    if current != head:
        raise RestoreError(f"the database is at schema {current}, this release expects "
                           f"{head}: run `devjavu-admin migrate` after the restore")


def restore_as_run_user(settings: Settings, backup: Path, manifest: dict,
                        progress) -> list[str]:
    """Restore a checked backup (`check_backup`, root's) into settings.data_dir, which was
    empty (`check_target_empty`) and has been laid out (`datadir.prepare`): root sends it
    to a child running as the run user, which receives it into a staging folder of its
    own, checks it again and restores from there. Returns the project names."""
    def receive_and_restore(source) -> None:
        staging = settings.run_dir / f"restore-{layout.new_stamp()}"
        try:
            staging.mkdir(mode=0o700)
            receive_tree(source, staging)
            check_contents(staging, read_manifest(staging))
            restore_backup(settings, staging, manifest, progress)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    try:
        handover(settings, receive_and_restore, lambda out: send_tree(backup, out),
                 child_sends=False, expected=(RestoreError, ManifestError),
                 describe=lambda e: describe_failure(e, settings) or str(e))
    except HandoverError as e:
        raise RestoreError(str(e)) from None
    return [project["name"] for project in manifest["projects"]]


def restore_backup(settings: Settings, backup: Path, manifest: dict, progress) -> list[str]:
    """Restore the checked backup at `backup`, a staging folder of this process's user that
    it empties, into settings.data_dir; the project names."""
    backup = Path(backup).resolve()
    projects = [p["name"] for p in manifest["projects"]]
    progress.start(len(projects) + 2)
    try:
        progress.step("database")
        _restore_database(settings, backup, manifest)
        for name in projects:
            progress.step(name)
            # Renamed from the staging folder on the same disk: no second copy.
            shutil.move(backup / "repos" / name, settings.repository_path(name))
            _verify_repository(settings.repository_path(name))
            shutil.move(backup / "trac" / name, settings.trac_env_path(name))
            _place_project(settings, name)
        progress.step("config")
        if (backup / "config" / "secret.key").exists():
            shutil.copy2(backup / "config" / "secret.key", settings.secret_path)
        site = Site(settings)
        try:
            _check_schema(site)
            # As a start would: the access files, and whatever else needs it.
            failed = upkeep.bring_site_in_step(site)
            if failed:
                raise RestoreError(f"authz could not be written for {failed}")
        finally:
            site.dispose()
    finally:
        progress.close()
    return projects
