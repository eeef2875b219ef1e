"""What the dashboard lists for a project: role, visibility, size and last commit."""
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
        size = float(self.size_bytes)
        for unit in ("B", "KB", "MB", "GB"):
            if size < 1024 or unit == "GB":
                return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
            size /= 1024
        return f"{size:.1f} TB"


def summarize(settings: Settings, project: Project, role: Role | None) -> ProjectSummary:
    try:
        youngest, date = last_commit(settings.repository_path(project.name))
    except (SubversionException, OSError):  # being moved or repaired: no figures
        youngest, date = 0, None
    size = (directory_size(settings.repository_path(project.name))
            + directory_size(settings.trac_env_path(project.name)))
    return ProjectSummary(project, role, size, youngest, date)


def projects_of(db: Session, settings: Settings, user: User) -> list[ProjectSummary]:
    rows = db.execute(select(Project, Membership.role).join(Membership.project).where(
        Membership.user_id == user.id, Project.deleted_at.is_(None)).order_by(Project.name))
    return [summarize(settings, project, role) for project, role in rows]
