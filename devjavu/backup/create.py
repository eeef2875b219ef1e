"""Taking a backup: estimate, refuse or copy (as the run user), send it to root, verify,
sign, rename into place, prune."""
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
from typing import BinaryIO

import trac
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from devjavu import datadir
from devjavu.backup import layout, sources
from devjavu.backup.handover import HandoverError, handover
from devjavu.backup.manifest import (ManifestError, check_contents, checksums,
                                     read_manifest, write_manifest)
from devjavu.backup.retention import prune
from devjavu.backup.signing import sign
from devjavu.backup.status import record_failure, record_success
from devjavu.backup.stream import TreeSender, receive_tree
from devjavu.failures import describe_database_error
from devjavu.fsutil import directory_size, fsync_directory, remove_stale
from devjavu.models import Project
from devjavu.settings import Settings
from devjavu.site import Site
from devjavu.svn.fsfs import youngest_on_disk

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


def check_space(backup_dir: Path, staging_dir: Path, needed: int, reserve) -> None:
    """The backup needs `needed` bytes in `backup_dir`, and its largest piece (at most as
    much) in `staging_dir` while it is sent: twice that when both share a disk."""
    on_one_disk = os.stat(backup_dir).st_dev == os.stat(staging_dir).st_dev
    for path, bytes_needed in ([(backup_dir, 2 * needed)] if on_one_disk
                               else [(backup_dir, needed), (staging_dir, needed)]):
        usage = shutil.disk_usage(path)
        keep = reserve.bytes_for(usage.total)
        if usage.free - bytes_needed < keep:
            raise NotEnoughSpace(
                f"not enough disk for a backup in {path}: it needs about "
                f"{bytes_needed // 2**20 + 1} MiB, {usage.free // 2**20} MiB are free and "
                f"{keep // 2**20} MiB ({reserve}) must stay free")


def _versions(site: Site) -> dict:
    svn = subprocess.run(["svnadmin", "--version", "--quiet"], capture_output=True, text=True)
    with site.engine.connect() as connection:
        schema = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    return {"trac": trac.__version__, "subversion": svn.stdout.strip(),
            "python": sys.version.split()[0], "schema": schema}


def youngest_revision(path: Path) -> int:
    youngest = youngest_on_disk(path)
    if youngest is None:
        raise BackupError(f"{path} has no readable youngest revision (db/current)")
    return youngest


def _verify_project_copy(root: Path, name: str, youngest: int) -> None:
    copied = youngest_revision(root / "repos" / name)
    if copied < youngest:
        raise BackupError(f"{name}: copy has r{copied}, expected at least r{youngest}")
    _verify_databases(root)


def _verify_databases(root: Path) -> None:
    for path in [*root.glob("database/*.sqlite"), *root.glob("trac/*/db/*.db")]:
        if not sqlite_is_intact(path):
            raise BackupError(f"{path.relative_to(root)} fails its integrity check")


def sqlite_is_intact(path: Path) -> bool:
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        connection.close()


class _Sending:
    """The run user's side: copies one piece at a time into a staging folder of its own,
    checks it, sends it to root and removes it, so that the copy never needs more room
    than its largest piece."""

    def __init__(self, staging: Path, sender: TreeSender):
        self.staging = staging
        self.sender = sender
        self.files: dict[str, dict] = {}

    def send(self, *pieces: str) -> None:
        self.files.update(checksums(self.staging))
        self.sender.add_tree(self.staging)
        for piece in pieces:
            shutil.rmtree(self.staging / piece)


def _copy_and_send(site: Site, stamp: str, staging: Path, sender: TreeSender,
                   projects: list[str], progress) -> None:
    """Copy everything, piece by piece, and send it with its manifest last."""
    settings = site.settings
    sending = _Sending(staging, sender)
    progress.step("database")
    if sources.database_is_sqlite(settings):
        sources.copy_sqlite(sources.sqlite_path(settings), staging / layout.SQLITE_COPY)
        _verify_databases(staging)
    else:
        sources.dump_postgres(settings.database_url, staging / layout.POSTGRES_DUMP)
    sending.send("database")
    copied = []
    for name in projects:
        progress.step(name)
        # The revision first: the copy may hold later ones, never fewer.
        youngest = youngest_revision(settings.repository_path(name))
        sources.hotcopy_repository(settings.repository_path(name), staging / "repos" / name)
        sources.copy_trac_environment(settings.trac_env_path(name), staging / "trac" / name)
        _verify_project_copy(staging, name, youngest)
        sending.send(f"repos/{name}", f"trac/{name}")
        copied.append({"name": name, "youngest": youngest})
    progress.step("config")
    sources.copy_config(settings, staging / "config")
    sending.send("config")
    progress.step("verify")
    manifest = {"created": stamp, "versions": _versions(site),
                "projects": copied, "files": sending.files,
                "database": "sqlite" if sources.database_is_sqlite(settings)
                else "postgresql"}
    write_manifest(staging, manifest)
    sender.add_tree(staging)


def _copy_as_run_user(settings: Settings, stamp: str, backup_dir: Path, out: BinaryIO,
                      progress) -> None:
    """In the child, as the run user: estimate, then copy and send piece by piece."""
    staging = settings.run_dir / f"backup-{stamp}"
    # Only one backup runs at a time (root holds the lock): any other staging folder is
    # what a killed one left.
    remove_stale(settings.run_dir.glob("backup-*"), older_than_seconds=0)
    site = Site(settings)
    try:
        projects = live_projects(site)
        check_space(backup_dir, staging.parent, estimate_bytes(site, projects),
                    settings.disk_reserve)
        progress.start(len(projects) + 3)
        staging.mkdir(mode=0o700)
        sender = TreeSender(out)
        _copy_and_send(site, stamp, staging, sender, projects, progress)
        sender.close()
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        progress.close()
        site.dispose()


def _receive_into(source: BinaryIO, partial: Path) -> None:
    # The partial folder appears with the first byte: a child that refuses to start (no
    # room) sends none, and leaves nothing behind.
    if source.peek(1):
        partial.mkdir(mode=0o700)
        receive_tree(source, partial)


def _receive_copy(settings: Settings, stamp: str, backup_dir: Path, partial: Path,
                  progress) -> None:
    """A child copies the live data as the run user and streams it into `partial`, so
    that root never reads the data directory itself."""
    try:
        handover(settings, lambda out: _copy_as_run_user(settings, stamp, backup_dir, out,
                                                         progress),
                 lambda source: _receive_into(source, partial), child_sends=True,
                 describe=lambda e: _describe(e, settings),
                 expected=(sources.CopyError, BackupError, sqlite3.Error, DBAPIError))
    except HandoverError as e:
        raise (NotEnoughSpace if e.kind == NotEnoughSpace.__name__ else BackupError)(
            str(e)) from None


def create_backup(settings: Settings, key: bytes, progress, dest: Path | None = None) -> Path:
    """Take a backup into `dest` (default: the configured backup directory), a folder only
    root can change; the copy is made by the run user, and what root receives is
    checked against its manifest and signed with `key`."""
    backup_dir = Path(dest or settings.backup_dir)
    datadir.root_only_directory(backup_dir, 0o711)
    with _exclusive(backup_dir):
        remove_stale(backup_dir.glob(".partial-*"), older_than_seconds=0)   # a killed run's
        stamp = layout.unused_stamp(backup_dir)
        partial = backup_dir / f".partial-{stamp}"
        try:
            _receive_copy(settings, stamp, backup_dir, partial, progress)
            # What the run user sent is checked like a backup to restore before root
            # signs it: its signature then vouches for names, kinds and checksums.
            check_contents(partial, read_manifest(partial))
            sign(partial, key)
            os.sync()
            final = backup_dir / stamp
            os.rename(partial, final)
            fsync_directory(backup_dir)
        except NotEnoughSpace as e:
            shutil.rmtree(partial, ignore_errors=True)
            record_failure(backup_dir, str(e))
            raise
        except (OSError, BackupError, ManifestError) as e:
            shutil.rmtree(partial, ignore_errors=True)
            reason = _describe(e)
            record_failure(backup_dir, reason)
            raise BackupError(f"backup failed, partial output removed, live data untouched: "
                              f"{reason}") from e
    size = directory_size(final)
    record_success(backup_dir, final, size)
    removed = prune(backup_dir, settings.backup_keep_daily, settings.backup_keep_weekly)
    for path in removed:
        log.info("pruned old backup %s", path.name)
    return final


def _describe(error: BaseException, settings: Settings | None = None) -> str:
    if isinstance(error, OSError) and error.errno == errno.ENOSPC:
        return "the disk is full"
    if isinstance(error, DBAPIError):
        return describe_database_error(error, settings)
    message = str(error)
    if "No space left on device" in message:
        return f"the disk is full ({message.splitlines()[0]})"
    return message
