"""What a failure of the system under us (disk, permissions, database) means, in one line
that names the cause and what to do: for devjavu-admin and for the backup status."""
import errno
import os
import pwd
import shutil
import sqlite3
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from devjavu.settings import Settings

# Below this much free room a write error on the disk is taken for a full disk: SQLite
# reports the failed growth of its WAL index as a plain "disk I/O error".
NEARLY_FULL_BYTES = 2**20


def describe_failure(error: BaseException, settings: Settings | None) -> str | None:
    """The one line for a failure of the system under a command (disk, permissions,
    database), or None if `error` is none of those."""
    if isinstance(error, OSError):
        return describe_os_error(error, settings)
    if isinstance(error, DBAPIError):
        return describe_database_error(error, settings)
    if isinstance(error, sqlite3.Error) and getattr(error, "sqlite_errorname", ""):
        # Not ours but a Trac environment's: somewhere in the data directory.
        folder = settings.data_dir if settings else Path.cwd()
        return _describe_sqlite(error.sqlite_errorname, first_line(error), None, folder)
    return None


def describe_os_error(error: OSError, settings: Settings | None) -> str:
    where = _where(error, settings.data_dir if settings else Path.cwd())
    code = error.errno
    if code in (errno.ENOSPC, errno.EDQUOT):
        return f"the disk holding {where} is full ({error.strerror}): free space and run again"
    if code in (errno.EACCES, errno.EPERM):
        who = (f"root or the user that owns the data directory ({settings.run_user})"
               if settings else "a user that may write there")
        return (f"cannot write {where}: permission denied to {_current_user()}: run as "
                f"{who}, or choose another place")
    if code == errno.EROFS:
        return (f"{where} is on a read-only file system: remount it read-write (the system "
                "log says why it turned read-only) or choose another place")
    if code == errno.EIO:
        return f"input/output error on {where}: the disk may be failing; see the system log"
    return f"{where}: {error.strerror or error}"


def describe_database_error(error: DBAPIError, settings: Settings | None) -> str:
    cause = first_line(error.orig)      # never the statement: its parameters hold hashes
    sqlite_code = getattr(error.orig, "sqlite_errorname", "")
    if sqlite_code:
        path = _sqlite_path(settings)
        return _describe_sqlite(sqlite_code, cause, path,
                                path.parent if path else "the database's folder")
    state = getattr(getattr(error.orig, "diag", None), "sqlstate", None) or ""
    if state == "53100":
        return (f"the database server's disk is full ({cause}): free space on it and run "
                "again")
    if state in ("55P03", "40P01", "57014"):
        return f"the database is locked by another process ({cause}): run again later"
    if state == "25006":
        return f"the database is read-only ({cause}): make it writable and run again"
    if error.connection_invalidated or not state:
        return (f"cannot reach the database ({cause}): start the database server or fix "
                "sqlalchemy.url in the .ini, and run again")
    return f"the database refused the change ({cause})"


def _describe_sqlite(code: str, cause: str, path: Path | None, folder) -> str:
    what = f"the database {path}" if path else f"a database in {folder}"
    if code == "SQLITE_FULL" or (code.startswith("SQLITE_IOERR") and _nearly_full(folder)):
        return f"the disk holding {folder} is full ({cause}): free space and run again"
    if code.startswith("SQLITE_READONLY") or code.startswith("SQLITE_CANTOPEN"):
        if _read_only_file_system(folder):
            return (f"{folder} is on a read-only file system ({cause}): remount it "
                    "read-write (the system log says why it turned read-only)")
        return (f"cannot write {what} ({cause}): {_current_user()} must be able to write "
                "it and its folder: run as root or as the user that owns the data "
                "directory")
    if code.startswith("SQLITE_BUSY") or code.startswith("SQLITE_LOCKED"):
        return f"{what} is locked by another process ({cause}): run again when it is done"
    if code in ("SQLITE_CORRUPT", "SQLITE_NOTADB"):
        return f"{what} is damaged ({cause}): restore the last backup (devjavu-admin restore)"
    if code.startswith("SQLITE_IOERR"):
        return f"input/output error on {what} ({cause}): see the system log"
    return f"database error on {what} ({cause})"


def _where(error: OSError, fallback: Path) -> str:
    if error.filename is None:
        return str(fallback)
    if error.filename2 is not None:
        return f"{os.fsdecode(error.filename)} -> {os.fsdecode(error.filename2)}"
    return os.fsdecode(error.filename)


def _sqlite_path(settings: Settings | None) -> Path | None:
    if settings is None:
        return None
    url = make_url(settings.database_url)
    return Path(os.path.abspath(url.database)) if url.database else None


def _nearly_full(folder) -> bool:
    try:
        return shutil.disk_usage(folder).free < NEARLY_FULL_BYTES
    except OSError:
        return False


def _read_only_file_system(folder) -> bool:
    try:
        return bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    except OSError:
        return False


def _current_user() -> str:
    try:
        return pwd.getpwuid(os.geteuid()).pw_name
    except KeyError:
        return f"uid {os.geteuid()}"


def first_line(error: BaseException | None) -> str:
    lines = str(error).strip().splitlines()
    return lines[0] if lines else type(error).__name__
