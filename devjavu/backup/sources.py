"""Copying each kind of live data consistently while the site keeps running."""
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import make_url

from devjavu.settings import Settings


class CopyError(RuntimeError):
    """A piece of live data could not be copied; the message says which and why."""


def _run(command: list[str], what: str) -> None:
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise CopyError(f"{what}: {result.stderr.strip() or result.stdout.strip()}")


def copy_sqlite(source: Path, target: Path) -> None:
    """SQLite's online backup API: a consistent copy while writers keep writing."""
    target.parent.mkdir(parents=True, exist_ok=True)
    live = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    copy = sqlite3.connect(target)
    try:
        live.backup(copy)
        # A self-contained file: no -wal or -shm beside it when it is opened later.
        copy.execute("PRAGMA journal_mode=DELETE")
    finally:
        copy.close()
        live.close()


def libpq_url(database_url: str) -> str:
    url = make_url(database_url).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


def dump_postgres(database_url: str, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    _run(["pg_dump", "--format=custom", "--no-owner", f"--file={target}",
          f"--dbname={libpq_url(database_url)}"], "pg_dump")


def hotcopy_repository(source: Path, target: Path) -> None:
    """`svnadmin hotcopy`: a consistent copy of a repository being committed to."""
    target.parent.mkdir(parents=True, exist_ok=True)
    _run(["svnadmin", "hotcopy", str(source), str(target)], f"svnadmin hotcopy {source}")


def copy_trac_environment(source: Path, target: Path) -> None:
    """Files as they are (attachments, config), its SQLite database through the backup
    API."""
    shutil.copytree(source, target, symlinks=True,
                    ignore=shutil.ignore_patterns("*.db", "*.db-journal", "*.db-wal",
                                                  "*.db-shm"))
    for database in (source / "db").glob("*.db"):
        copy_sqlite(database, target / "db" / database.name)


def copy_config(settings: Settings, target: Path) -> None:
    """The site's .ini and cookie key. The TLS key is root's alone and is not copied: a
    restored site makes a new self-signed certificate, or gets the real one back."""
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy2(settings.ini_path, target / "site.ini")
    if settings.secret_path.exists():
        shutil.copy2(settings.secret_path, target / "secret.key")


def database_is_sqlite(settings: Settings) -> bool:
    return make_url(settings.database_url).get_backend_name() == "sqlite"


def sqlite_path(settings: Settings) -> Path:
    return Path(make_url(settings.database_url).database)
