from datetime import datetime
from enum import StrEnum

from sqlalchemy import Enum, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from devjavu.models.meta import Base


class JobState(StrEnum):
    QUEUED = "queued"        # waits for the runner
    RUNNING = "running"      # claimed by the runner named in `runner`
    WAITING = "waiting"      # needs its owner again (a password the runner lost)
    FAILED = "failed"        # stopped with `error`; a retry queues it again
    DONE = "done"
    CANCELLED = "cancelled"  # given up by its owner; what it did so far stays


# States in which a job is not over: a project with such a job that blocks writes is
# read-only (devjavu/authz/build.py).
UNFINISHED = (JobState.QUEUED, JobState.RUNNING, JobState.WAITING, JobState.FAILED)

job_state_enum = Enum(JobState, name="job_state", native_enum=False, length=16,
                      values_callable=lambda states: [s.value for s in states])


class Job(Base):
    """Work done outside the web request by the job runner (devjavu/jobs/runner.py):
    `kind` names its handler, `payload` (JSON) its arguments, never a secret."""
    __tablename__ = "jobs"
    __table_args__ = (Index("ix_jobs_state_id", "state", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    project_id: Mapped[int | None] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    # While unfinished, nobody may write to the project's repository.
    blocks_writes: Mapped[bool] = mapped_column(default=False)
    state: Mapped[JobState] = mapped_column(job_state_enum, default=JobState.QUEUED)
    payload: Mapped[str] = mapped_column(Text, default="{}")
    # Progress in the handler's own unit (revisions for an import): done of total.
    progress_done: Mapped[int] = mapped_column(default=0)
    progress_total: Mapped[int] = mapped_column(default=0)
    error: Mapped[str] = mapped_column(Text, default="")
    attempts: Mapped[int] = mapped_column(default=0)
    # "host:pid" of the runner that claimed it, and when it last said it was alive.
    runner: Mapped[str] = mapped_column(String(80), default="")
    heartbeat_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]

    project: Mapped["Project | None"] = relationship()  # noqa: F821

    @property
    def finished(self) -> bool:
        return self.state not in UNFINISHED
