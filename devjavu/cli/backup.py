"""backup [--dest DIR] [--quiet] and restore BACKUP [--data-dir DIR], for operators and
cron: exit 0 on success, 1 with a one-line reason otherwise.

Both run as root (or as the site's only user): root keeps the backups and their key, the
run user copies and restores the live data (see backup/handover.py)."""
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
    try:
        key = ensure_key(settings.backup_key_path)
        path = create_backup(settings, key, progress_for("backup", args.quiet), dest=args.dest)
    except (BackupError, SignatureError) as e:
        raise CommandError(e) from None
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
    datadir.prepare(settings)
    try:
        projects = restore_as_run_user(settings, args.backup, manifest,
                                       progress_for("restore", args.quiet))
    except RestoreError as e:
        raise CommandError(f"restore failed: {e}") from None
    if not args.quiet:
        print(f"Restored {len(projects)} project(s) into {settings.data_dir}.")
    return 0
