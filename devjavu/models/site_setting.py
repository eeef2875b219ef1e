from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from devjavu.models.meta import Base


class SiteSetting(Base):
    """Settings an admin changes at run time (signup mode, project cap)."""
    __tablename__ = "site_settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class WaitlistEntry(Base):
    """Someone who wanted a project while the project cap was reached."""
    __tablename__ = "waitlist"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    project_name: Mapped[str] = mapped_column(String(40))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]

    user: Mapped["User"] = relationship()  # noqa: F821
