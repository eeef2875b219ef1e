from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from devjavu.models.meta import Base


class AuditEvent(Base):
    """A security event: sign-ins and failures, password, token, member, role and
    project changes. Failed sign-ins here also drive the sign-in rate limit."""
    __tablename__ = "audit_events"
    # The sign-in limit counts one account's or one address's failures in a window on
    # every sign-in: these keep that a range of the failures alone, however many events
    # one address (a proxy, an office) has piled up.
    __table_args__ = (
        Index("ix_audit_events_event_subject_at", "event", "subject", "at"),
        Index("ix_audit_events_event_ip_address_at", "event", "ip_address", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    event: Mapped[str] = mapped_column(String(40), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # The account or project the event is about, by name: it outlives deletions.
    subject: Mapped[str] = mapped_column(String(64), default="", index=True)
    ip_address: Mapped[str] = mapped_column(String(45), default="")
    detail: Mapped[str] = mapped_column(Text, default="")

    actor: Mapped["User | None"] = relationship()  # noqa: F821
