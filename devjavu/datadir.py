"""The data directory and root's server directory: their layout, owners and modes, and
running as the run user.

Apache's workers and the mod_wsgi daemon run as `run_user`, so everything they write
(database, repositories, Trac environments) must belong to that user, and that user can
replace anything below the data directory with a symbolic link. What root-owned Apache
reads or writes before it drops privileges (its config, pid file, certificate and key,
logs) and the backups therefore live in the server directory, outside the data directory,
in folders that only root can change, checked component by component from `/`. Root
never writes, changes owners or modes, or reads through a path in the data directory:
it creates the top folders and hands them over without following links, and everything
below them is done by the run user.
"""
import json
import os
import pwd
import secrets
import stat
import sys
import traceback
from pathlib import Path

from devjavu.projects.redirect_map import ensure_redirect_map
from devjavu.settings import Settings

# What every process of the site creates: readable by its owner (the run user) only.
SITE_UMASK = 0o077


class UnsafePathError(RuntimeError):
    """A folder root would use can be changed by another user; the message names it."""


def _owned_by_run_user(settings: Settings) -> list[Path]:
    return [settings.data_dir, settings.repos_dir, settings.authz_dir, settings.trac_dir,
            settings.run_dir, settings.trash_dir, settings.journal_dir]


def _owned_by_root(settings: Settings) -> list[tuple[Path, int | None]]:
    """Root's folders and their modes: the run user must traverse httpd/ (the mod_wsgi
    scripts, the daemon's sockets) and read backups/status.json by name, nothing more."""
    return [(settings.server_dir, 0o755), (settings.httpd_dir, 0o755),
            (settings.log_dir, 0o700), (settings.ssl_dir, 0o700),
            (settings.backup_dir, 0o711)]


def prepare(settings: Settings, whole_tree: bool = False) -> None:
    """Create missing folders with the right owners and modes, as root or as the caller,
    and take away other accounts' access to the data directory: to its top, or with
    `whole_tree` to everything in it (`serve` does, once per start: files made since are
    made under umask 077, and the walk costs about half a second per 30,000 files).

    The run user can replace anything in the data directory with a symbolic link, so
    root changes owners without following links (a link planted to /etc gets a new owner
    itself, never /etc) and leaves the rest of the tree to the run user."""
    as_root = os.geteuid() == 0
    run_user = pwd.getpwnam(settings.run_user)
    for path, mode in _owned_by_root(settings):
        root_only_directory(path, mode)
    # Whoever can rename in the data directory's parent could swap the directory itself.
    root_only_directory(settings.data_dir.parent, None)
    for path in _owned_by_run_user(settings):
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        if as_root:
            os.chown(path, run_user.pw_uid, run_user.pw_gid, follow_symlinks=False)
    if as_root:
        _hand_over_top_files(settings, run_user)
    as_run_user(settings, _settle_tree if whole_tree else _settle_top)


def _settle_top(settings: Settings) -> None:
    ensure_secret(settings)
    ensure_redirect_map(settings)
    os.chmod(settings.data_dir, 0o700)


def _settle_tree(settings: Settings) -> None:
    _settle_top(settings)
    restrict_access(settings)


def _hand_over_top_files(settings: Settings, run_user) -> None:
    """The files at the top (the SQLite database and its journal) must be the run user's:
    an older release, or a command run as root, may have made them. A file with other
    names (a hard link the run user made to a root file) is left alone."""
    with os.scandir(settings.data_dir) as entries:
        for entry in entries:
            if not entry.is_file(follow_symlinks=False):
                continue
            # Opened without following a link and checked through the descriptor, so a
            # file swapped after the listing is seen as what it is.
            try:
                fd = os.open(entry.path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK
                             | os.O_NOCTTY)
            except OSError:
                continue
            try:
                status = os.fstat(fd)
                if (stat.S_ISREG(status.st_mode) and status.st_nlink == 1
                        and status.st_uid != run_user.pw_uid):
                    os.fchown(fd, run_user.pw_uid, run_user.pw_gid)
            finally:
                os.close(fd)


def root_only_directory(path: Path, mode: int | None) -> None:
    """Make `path` a directory with `mode` (None: as it is, 0700 if new), creating what is
    missing; as root, first check that it and every folder above it is a real directory
    that only root can change (a folder of another user, or a link, could be swapped to
    point root's writes anywhere). Raises UnsafePathError naming the folder."""
    path = Path(path)
    if os.geteuid() != 0:
        path.mkdir(parents=True, exist_ok=True)
        return
    _check_root_only(path, create=True)
    if mode is not None:
        os.chmod(path, mode)     # every folder on the way is root's: nothing to follow


def check_root_only(path: Path) -> None:
    """As root: raise UnsafePathError unless `path` and every folder above it are real
    directories only root can change (what root reads there is root's)."""
    if os.geteuid() == 0:
        _check_root_only(Path(path), create=False)


def _check_root_only(path: Path, create: bool) -> None:
    path = Path(os.path.abspath(path))      # made absolute, never resolved: links count
    current = Path(path.anchor)
    for part in path.parts[1:]:
        current = current / part
        try:
            status = os.lstat(current)
        except FileNotFoundError:
            if not create:
                raise UnsafePathError(f"{current}: no such directory") from None
            os.mkdir(current, 0o755 if current != path else 0o700)
            status = os.lstat(current)
        if not stat.S_ISDIR(status.st_mode):
            raise UnsafePathError(f"{current} is not a directory (a symbolic link?): root's "
                                  f"files cannot live below it")
        # A sticky folder like /tmp lets no one else rename root's entries in it.
        others_write = status.st_mode & 0o022 and not status.st_mode & stat.S_ISVTX
        if status.st_uid != 0 or others_write:
            raise UnsafePathError(f"{current} can be changed by another user than root: "
                                  f"root's files ({path}) cannot live below it")


def restrict_access(settings: Settings) -> None:
    """Take group and others' access to everything in the data directory (run as the run
    user: it owns the tree, so a link in it can only lead to its own files)."""
    for directory, dirs, files in os.walk(settings.data_dir):
        for name in dirs + files:
            path = os.path.join(directory, name)
            try:
                status = os.lstat(path)
                if status.st_mode & 0o077 and not stat.S_ISLNK(status.st_mode):
                    os.chmod(path, stat.S_IMODE(status.st_mode) & 0o700)
            except OSError:
                continue         # removed meanwhile, or a leftover of root's: not ours


def as_run_user(settings: Settings, work) -> None:
    """`work(settings)` as the run user: in a forked child when root, else right here."""
    if os.geteuid() != 0:
        work(settings)
        return
    error_in, error_out = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(error_in)
        code = 1
        try:
            drop_privileges(settings)
            work(settings)
            code = 0
        except OSError as e:
            # Raised again in the parent, so that the command says what the disk said.
            os.write(error_out, json.dumps([e.errno, e.strerror, _name(e.filename),
                                            _name(e.filename2)]).encode())
        except BaseException:
            traceback.print_exc()
        finally:
            sys.stderr.flush()
            os._exit(code)
    os.close(error_out)
    with os.fdopen(error_in, "rb") as f:
        error = f.read()
    _, status = os.waitpid(pid, 0)
    if error:
        number, message, filename, filename2 = json.loads(error)
        raise OSError(number, message, filename, None, filename2)
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{work.__name__} failed as {settings.run_user} (see above)")


def _name(filename) -> str | None:
    return None if filename is None else os.fsdecode(filename)


def ensure_secret(settings: Settings) -> None:
    """The key that signs the dashboard's cookies: random, made once (by the run user),
    readable by the run user only."""
    path = settings.secret_path
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    except FileExistsError:
        return
    with os.fdopen(fd, "w") as f:
        f.write(secrets.token_hex(32))
        f.flush()
        os.fsync(f.fileno())


def read_secret(settings: Settings) -> str:
    return settings.secret_path.read_text().strip()


def drop_privileges(settings: Settings) -> None:
    """As root, become `run_user` for good; as anyone else, stay who we are."""
    os.umask(SITE_UMASK)
    if os.geteuid() != 0:
        return
    run_user = pwd.getpwnam(settings.run_user)
    os.setgroups([])
    os.setgid(run_user.pw_gid)
    os.setuid(run_user.pw_uid)
    os.environ["HOME"] = run_user.pw_dir
    os.environ["USER"] = os.environ["LOGNAME"] = run_user.pw_name
