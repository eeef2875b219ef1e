"""The data directory: its layout, its owner, and running as that owner.

Apache's workers and the mod_wsgi daemon run as `run_user`, so everything they write
(database, repositories, Trac environments) must belong to that user. Commands started
as root therefore create the layout, then drop to `run_user` before touching data. What
root-owned Apache reads before it drops privileges (its config, certificate and log
directory) stays root's, so that the run user cannot point root at other files.
"""
import os
import pwd
import secrets
from pathlib import Path

from devjavu.settings import Settings


def _owned_by_run_user(settings: Settings) -> list[Path]:
    return [settings.data_dir, settings.repos_dir, settings.authz_dir, settings.trac_dir,
            settings.run_dir, settings.trash_dir, settings.backup_dir, settings.journal_dir]


def _owned_by_starter(settings: Settings) -> list[Path]:
    return [settings.log_dir, settings.ssl_dir, settings.run_dir / "httpd"]


def prepare(settings: Settings) -> None:
    """Create missing directories with the right owners (as root) or as the caller.

    The run user can replace anything in the data directory with a symbolic link, so
    root changes owners without following links: a link planted to /etc gets a new owner
    itself, never /etc."""
    as_root = os.geteuid() == 0
    run_user = pwd.getpwnam(settings.run_user)
    for path in _owned_by_run_user(settings):
        path.mkdir(mode=0o755, parents=True, exist_ok=True)
        if as_root:
            os.chown(path, run_user.pw_uid, run_user.pw_gid, follow_symlinks=False)
    # Files at the top (the SQLite database and its journal) must be the run user's too.
    if as_root:
        with os.scandir(settings.data_dir) as entries:
            for entry in entries:
                if entry.is_file(follow_symlinks=False):
                    os.chown(entry.path, run_user.pw_uid, run_user.pw_gid,
                             follow_symlinks=False)
    for path in _owned_by_starter(settings):
        path.mkdir(mode=0o755, parents=True, exist_ok=True)
    ensure_secret(settings, run_user if as_root else None)


def ensure_secret(settings: Settings, owner=None) -> None:
    """The key that signs the dashboard's cookies: random, made once, readable by the
    run user only."""
    path = settings.secret_path
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    with os.fdopen(fd, "w") as f:
        if owner is not None:
            os.fchown(f.fileno(), owner.pw_uid, owner.pw_gid)    # this file, not a name
        f.write(secrets.token_hex(32))
        f.flush()
        os.fsync(f.fileno())


def read_secret(settings: Settings) -> str:
    return settings.secret_path.read_text().strip()


def drop_privileges(settings: Settings) -> None:
    """As root, become `run_user` for good; as anyone else, stay who we are."""
    if os.geteuid() != 0:
        return
    run_user = pwd.getpwnam(settings.run_user)
    os.setgroups([])
    os.setgid(run_user.pw_gid)
    os.setuid(run_user.pw_uid)
    os.environ["HOME"] = run_user.pw_dir
    os.environ["USER"] = os.environ["LOGNAME"] = run_user.pw_name
    os.umask(0o022)
