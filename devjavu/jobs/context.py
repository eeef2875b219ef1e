"""What a job's handler gets (JobContext) and how it says it cannot finish."""
import time
from dataclasses import dataclass, field
from typing import Callable

from devjavu.jobs import queue


class JobFailed(RuntimeError):
    """The job stopped; the message is shown to whoever may retry it."""


class JobNeedsOwner(RuntimeError):
    """The job cannot go on without its owner (a password to give again)."""


@dataclass
class JobContext:
    site: object        # devjavu.site.Site: its settings, reading(), unit_of_work()
    job_id: int
    payload: dict
    resumed: bool
    # Handed over by the request that queued (or retried) it; None if lost.
    secret: str | None = field(default=None, repr=False)
    # Told of progress as well (the command line shows it), if given.
    report: Callable[[int, int | None], None] | None = None

    def progress(self, done: int, total: int | None = None) -> None:
        with self.site.unit_of_work() as db:
            queue.record_progress(db, self.job_id, done, total)
        if self.report is not None:
            self.report(done, total)


# Progress is written at most this often (seconds): one row update per revision would
# make a fast import of many small revisions a stream of database writes.
PROGRESS_INTERVAL = 1.0


class ThrottledProgress:
    """`progress(done)` for a long job: written to the job's row at most every
    PROGRESS_INTERVAL seconds, or at once when forced."""

    def __init__(self, context: JobContext, total: int | None):
        self.context, self.total, self.written = context, total, 0.0

    def __call__(self, done: int, force: bool = False) -> None:
        if force or time.monotonic() - self.written >= PROGRESS_INTERVAL:
            self.context.progress(done, self.total)
            self.written = time.monotonic()
