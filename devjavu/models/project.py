from datetime import datetime

from sqlalchemy import String, Text, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from devjavu.models.meta import Base


class Project(Base):
    __tablename__ = "projects"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    is_private: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    # Set when deleted: the repository and Trac wait in the trash until purged.
    deleted_at: Mapped[datetime | None]

    memberships: Mapped[list["Membership"]] = relationship(  # noqa: F821
        back_populates="project", cascade="all, delete-orphan", passive_deletes=True)

    @property
    def visibility(self) -> str:
        return "private" if self.is_private else "public"

    def __repr__(self) -> str:
        return f"<Project {self.name}>"
