from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from devjavu.models.meta import Base


class RenamedName(Base):
    """A name a project had before a rename: kept for its owner's links until `until`,
    and no other project may take it meanwhile."""
    __tablename__ = "renamed_names"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"),
                                            index=True)
    name: Mapped[str] = mapped_column(String(40), unique=True)
    until: Mapped[datetime]

    project: Mapped["Project"] = relationship()  # noqa: F821

    def __repr__(self) -> str:
        return f"<RenamedName {self.name} until {self.until:%Y-%m-%d}>"
