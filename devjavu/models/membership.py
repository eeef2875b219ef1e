import enum

from sqlalchemy import Enum, ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from devjavu.models.meta import Base


class Role(enum.StrEnum):
    """A member's role on one project; what each may do is in projects/roles.py."""
    OWNER = "owner"
    DEVELOPER = "developer"
    VIEWER = "viewer"


role_enum = Enum(Role, name="role", values_callable=lambda roles: [r.value for r in roles],
                 validate_strings=True)


class Membership(Base):
    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("project_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    role: Mapped[Role] = mapped_column(role_enum)

    project: Mapped["Project"] = relationship(back_populates="memberships")  # noqa: F821
    user: Mapped["User"] = relationship(back_populates="memberships")  # noqa: F821
