"""Project creations in flight, journaled so that one killed half-way is undone.

Creating a project makes its repository and Trac environment on disk before the database
commits its rows. A process killed in between (kill -9, a crash, the power) would leave
directories that no project owns, and the name blocked for good. So before it makes
anything, a creation writes an entry naming the project and itself (pid and the
process's start time, which a reused pid does not share) into the data directory's
journal/; the commit, or the rollback once it has removed what it made, deletes the
entry. An entry whose process is gone is settled by every start, `check --repair` and a
new creation of the same name: rolled forward if the project is in the database (only the
entry goes), else rolled back (its directories go too).
"""
import json
import os
import shutil
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from devjavu.fsutil import atomic_write
from devjavu.models import Project
from devjavu.settings import Settings

_PREFIX = "create-"


def _entry_path(settings: Settings, name: str) -> Path:
    return settings.journal_dir / f"{_PREFIX}{name}"


def _start_time(pid: int) -> str | None:
    """When process `pid` started (clock ticks since boot), or None if there is none."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return None


def begin(settings: Settings, name: str) -> None:
    """Record that this process is about to create project `name` on disk."""
    settings.journal_dir.mkdir(mode=0o755, exist_ok=True)
    pid = os.getpid()
    atomic_write(_entry_path(settings, name),
                 json.dumps({"pid": pid, "started": _start_time(pid)}))


def end(settings: Settings, name: str) -> None:
    """The creation of `name` committed, or was undone: forget it."""
    _entry_path(settings, name).unlink(missing_ok=True)


def _abandoned(path: Path) -> bool:
    """The entry's process is gone (or the entry is unreadable, as a torn write leaves)."""
    try:
        entry = json.loads(path.read_text())
        return _start_time(int(entry["pid"])) != entry["started"]
    except FileNotFoundError:
        return False
    except (OSError, ValueError, KeyError, TypeError):
        return True


def _in_flight(settings: Settings) -> dict[str, Path]:
    """Every journaled creation, by project name: running or abandoned."""
    if not settings.journal_dir.is_dir():
        return {}
    return {path.name[len(_PREFIX):]: path for path in settings.journal_dir.iterdir()
            if path.name.startswith(_PREFIX)}


def abandoned(settings: Settings) -> list[str]:
    """Names of the creations whose process died before it finished."""
    return sorted(name for name, path in _in_flight(settings).items() if _abandoned(path))


def settle(db: Session, settings: Settings, names: list[str] | None = None) -> list[str]:
    """Finish the abandoned creations (of `names`, default all): roll each forward or
    back. Returns the names rolled back, whose directories were removed; raises OSError
    when one cannot be removed."""
    if names is None:
        names = abandoned(settings)
    else:
        names = [name for name in names if _abandoned(_entry_path(settings, name))]
    rolled_back = []
    for name in names:
        if db.scalar(select(Project.id).where(Project.name == name)) is None:
            # A directory that cannot be removed keeps the entry, for the next settle.
            for path in (settings.trac_env_path(name), settings.repository_path(name)):
                if os.path.lexists(path):
                    shutil.rmtree(path)
            rolled_back.append(name)
        end(settings, name)
    return rolled_back


def orphans(db: Session, settings: Settings) -> list[str]:
    """Repository or Trac directories that no project in the database owns and no
    creation in flight explains (made by hand, or by a version without this journal)."""
    known = set(db.scalars(select(Project.name)))
    found = set()
    for parent in (settings.repos_dir, settings.trac_dir):
        if parent.is_dir():
            found.update(entry.name for entry in parent.iterdir()
                         if entry.is_dir() and not entry.name.startswith("."))
    return sorted(found - known - set(_in_flight(settings)))
