"""backup [--dest DIR] [--quiet] and restore BACKUP [--data-dir DIR], for operators and
cron: exit 0 on success, 1 with a one-line reason otherwise.

Both run as root (or as the site's only user): root keeps the backups and their key, the
run user copies and restores the live data (see backup/handover.py)."""
import os
import shutil
from pathlib import Path

from devjavu import datadir
from devjavu.backup.create import BackupError, create_backup
from devjavu.backup.restore import (RestoreError, check_backup, check_target_empty,
                                    restore_as_run_user, settings_for)
from devjavu.backup.signing import SignatureError, ensure_key, read_key
from devjavu.cli.errors import CommandError
from devjavu.cli.progress import progress_for


def register(commands) -> None:
    backup = commands.add_parser("backup", help="back up the database, repositories, Trac "
                                 "environments and config")
    backup.add_argument("--dest", type=Path, help="backup directory (default: the .ini's)")
    backup.add_argument("--quiet", action="store_true", help="print only errors")
    backup.set_defaults(handler=run_backup)

    restore = commands.add_parser("restore", help="restore a backup into an empty data "
                                  "directory")
    restore.add_argument("backup", type=Path)
    restore.add_argument("--data-dir", type=Path,
                         help="restore here instead of the .ini's data directory")
    restore.add_argument("--quiet", action="store_true")
    restore.set_defaults(handler=run_restore)


def run_backup(settings, args) -> int:
    datadir.prepare(settings)
    # A folder made for this backup goes again if it fails: nothing is left changed.
    made = _first_missing(args.dest) if args.dest else None
    try:
        key = ensure_key(settings.backup_key_path)
        path = create_backup(settings, key, progress_for("backup", args.quiet), dest=args.dest)
    except BaseException as e:
        if made is not None:
            shutil.rmtree(made, ignore_errors=True)
        if isinstance(e, (BackupError, SignatureError)):
            raise CommandError(e) from None
        # A write that failed without a file name: name the place it was writing to.
        if isinstance(e, OSError) and e.filename is None:
            e.filename = str(args.dest or settings.backup_dir)
        raise
    if not args.quiet:
        print(f"Backup written to {path}")
    return 0


def run_restore(settings, args) -> int:
    settings = settings_for(settings, args.data_dir)
    try:
        manifest = check_backup(args.backup, read_key(settings.backup_key_path))
        check_target_empty(settings)
    except (RestoreError, SignatureError) as e:
        raise CommandError(e) from None
    made = _first_missing(settings.data_dir)
    try:
        datadir.prepare(settings)
        projects = restore_as_run_user(settings, args.backup, manifest,
                                       progress_for("restore", args.quiet))
    except BaseException as e:
        _undo_restore(settings, made)
        if isinstance(e, RestoreError):
            raise CommandError(f"restore failed: {e}") from None
        raise
    if not args.quiet:
        print(f"Restored {len(projects)} project(s) into {settings.data_dir}.")
    return 0


def _first_missing(path: Path) -> Path | None:
    """The topmost folder on the way to `path` that does not exist yet, if any."""
    path = Path(os.path.abspath(path))
    missing = None
    for folder in [path, *path.parents]:
        if os.path.lexists(folder):
            break
        missing = folder
    return missing


def _undo_restore(settings, made: Path | None) -> None:
    """Empty the data directory again (it was empty: check_target_empty), as the run user
    that owns what is in it, and remove the folders made for it."""
    def empty(settings) -> None:
        if settings.data_dir.is_dir():
            for entry in settings.data_dir.iterdir():
                if entry.is_dir() and not entry.is_symlink():
                    shutil.rmtree(entry)
                else:
                    entry.unlink()
    try:
        datadir.as_run_user(settings, empty)
    except (OSError, RuntimeError):
        return         # a read-only disk: nothing was written there either
    if made is not None:
        shutil.rmtree(made, ignore_errors=True)