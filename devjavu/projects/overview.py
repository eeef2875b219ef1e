"""What the dashboard lists for a project: role, visibility, size and last commit.

A project's size is the bytes below its repository and its Trac environment: a walk of
thousands of files for a busy project. Each process remembers a size until the
repository gets a new revision or SIZE_TTL_SECONDS pass, so listing pages do not walk
the disk on every view; a size shown is at most that old.
"""
import threading
import time
from dataclasses import dataclass

from sqlalchemy import select
from subvertpy import SubversionException
from sqlalchemy.orm import Session

from devjavu.fsutil import directory_size
from devjavu.models import Membership, Project, Role, User
from devjavu.settings import Settings
from devjavu.svn.repository import last_commit


@dataclass(frozen=True)
class ProjectSummary:
    project: Project
    role: Role | None
    size_bytes: int
    youngest: int
    last_commit_at: str | None

    @property
    def size_text(self) -> str:
        return size_text(self.size_bytes)


def size_text(size_bytes: int) -> str:
    """A size as people read it: 512 B, 1.5 KB, 200.0 MB."""
    size = float(size_bytes)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} TB"


SIZE_TTL_SECONDS = 120.0


class SizeCache:
    """{project name: (youngest revision, expiry, bytes)}, bounded, shared by threads."""

    def __init__(self, ttl_seconds: float = SIZE_TTL_SECONDS, max_entries: int = 20000):
        self._ttl = ttl_seconds
        self._max_entries = max_entries
        self._sizes: dict[str, tuple[int, float, int]] = {}
        self._lock = threading.Lock()

    def size(self, settings: Settings, name: str, youngest: int) -> int:
        now = time.monotonic()
        with self._lock:
            known = self._sizes.get(name)
        if known is not None and known[0] == youngest and known[1] > now:
            return known[2]
        size = (directory_size(settings.repository_path(name))
                + directory_size(settings.trac_env_path(name)))
        with self._lock:
            if len(self._sizes) >= self._max_entries:
                self._sizes.clear()
            self._sizes[name] = (youngest, now + self._ttl, size)
        return size


_sizes = SizeCache()


def summarize(settings: Settings, project: Project, role: Role | None) -> ProjectSummary:
    try:
        youngest, date = last_commit(settings.repository_path(project.name))
    except (SubversionException, OSError):  # being moved or repaired: no figures
        youngest, date = 0, None
    return ProjectSummary(project, role, _sizes.size(settings, project.name, youngest),
                          youngest, date)


def projects_of(db: Session, settings: Settings, user: User) -> list[ProjectSummary]:
    rows = db.execute(select(Project, Membership.role).join(Membership.project).where(
        Membership.user_id == user.id, Project.deleted_at.is_(None)).order_by(Project.name))
    return [summarize(settings, project, role) for project, role in rows]
