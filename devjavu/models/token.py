from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from devjavu.models.meta import Base


class AccessToken(Base):
    """A personal access token: usable as the svn password. Stored as an argon2 hash;
    `lookup_id` (public, part of the token) finds the row without trying every hash."""
    __tablename__ = "access_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         index=True)
    name: Mapped[str] = mapped_column(String(64))
    lookup_id: Mapped[str] = mapped_column(String(16), unique=True)
    token_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime]
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    # Chosen at creation; None: the token lasts until revoked.
    expires_at: Mapped[datetime | None]

    user: Mapped["User"] = relationship()  # noqa: F821
