"""Queueing jobs, claiming them, and recording what becomes of them.

Services queue (`enqueue`) and retry; the runner claims (`claim_next`), reports
progress and ends a job. Each function here takes a session and never commits, except
the runner's, which are given their own short transactions by the runner.
"""
import json
import os
import socket
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from devjavu import authz
from devjavu.models import Job, JobState, Project
from devjavu.models.job import UNFINISHED

# A running job whose runner on another machine has not reported for this long is
# taken over (a runner on this machine is asked directly whether it is alive).
STALE_HEARTBEAT = timedelta(minutes=2)


class JobError(ValueError):
    """A job cannot be changed as asked (message safe to show)."""


def now() -> datetime:
    return datetime.utcnow()


def runner_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def enqueue(db: Session, kind: str, payload: dict, project: Project | None = None,
            blocks_writes: bool = False) -> Job:
    job = Job(kind=kind, payload=json.dumps(payload), project=project,
              blocks_writes=blocks_writes, state=JobState.QUEUED, created_at=now())
    db.add(job)
    db.flush()
    return job


def payload_of(job: Job) -> dict:
    return json.loads(job.payload or "{}")


def latest_for_project(db: Session, project: Project, kind: str) -> Job | None:
    return db.scalar(select(Job).where(Job.project_id == project.id, Job.kind == kind)
                     .order_by(Job.id.desc()).limit(1))


def latest_blocking_for_project(db: Session, project: Project) -> Job | None:
    """The project's latest job that blocks writes while unfinished: its import."""
    return db.scalar(select(Job).where(Job.project_id == project.id,
                                       Job.blocks_writes.is_(True))
                     .order_by(Job.id.desc()).limit(1))


def write_blocked_project_ids(db: Session, project_ids) -> set[int]:
    """Which of these projects have an unfinished job that blocks writes (one query over
    the few unfinished jobs, however many projects are asked about)."""
    return set(project_ids) & set(db.scalars(select(Job.project_id).where(
        Job.blocks_writes.is_(True), Job.state.in_(UNFINISHED))))


def _runner_is_gone(job: Job, host: str) -> bool:
    """A running job's runner is dead: on this machine, no such process (or it is us,
    restarted under the same pid); elsewhere, silent for STALE_HEARTBEAT."""
    name, _, pid = job.runner.rpartition(":")
    if name == host:
        if not pid.isdigit() or int(pid) == os.getpid():
            return True
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            return True
        except PermissionError:
            return False
        return False
    return job.heartbeat_at is None or job.heartbeat_at < now() - STALE_HEARTBEAT


def claim_next(db: Session, kinds) -> tuple[Job, bool] | None:
    """The oldest queued job of `kinds`, or one left running by a runner that died, now
    claimed by this process: (job, resumed). None when there is nothing to do."""
    me, host = runner_name(), socket.gethostname()
    candidates = db.scalars(select(Job).where(
        Job.kind.in_(list(kinds)),
        or_(Job.state == JobState.QUEUED,
            (Job.state == JobState.RUNNING) & (Job.runner != me)))
        .order_by(Job.id).with_for_update(skip_locked=True)).all()
    for job in candidates:
        resumed = job.state == JobState.RUNNING
        if resumed and not _runner_is_gone(job, host):
            continue
        return claim(db, job), resumed
    return None


def claim(db: Session, job: Job) -> Job:
    """Mark `job` as run by this process (the runner, or a command running it itself)."""
    job.state = JobState.RUNNING
    job.runner = runner_name()
    job.heartbeat_at = now()
    job.attempts += 1
    job.error = ""
    db.flush()
    return job


def record_progress(db: Session, job_id: int, done: int, total: int | None = None) -> None:
    job = db.get(Job, job_id)
    job.progress_done = done
    if total is not None:
        job.progress_total = total
    job.heartbeat_at = now()


def end(db: Session, job_id: int, state: JobState, error: str = "") -> Job:
    job = db.get(Job, job_id)
    job.state = state
    job.error = error
    job.heartbeat_at = now()
    if job.finished:
        job.finished_at = now()
        if job.blocks_writes and job.project is not None:
            authz.mark_stale(db, job.project)      # writable again
    return job


def retry(db: Session, job: Job) -> Job:
    """Queue a failed or waiting job again, from where it stopped."""
    if job.state not in (JobState.FAILED, JobState.WAITING):
        raise JobError(f"This job is {job.state}; only a failed or waiting one can be "
                       "started again.")
    job.state = JobState.QUEUED
    job.error = ""
    return job


# A queued job not taken for this long: the runner is not running.
QUEUED_TOO_LONG = timedelta(minutes=10)
# A running job that has reported nothing for this long: stuck.
SILENT_TOO_LONG = timedelta(minutes=30)


def overdue(db: Session) -> list[str]:
    """What /_health reports: jobs queued too long, and running jobs silent too long."""
    late = []
    for job in db.scalars(select(Job).where(Job.state.in_(
            (JobState.QUEUED, JobState.RUNNING))).order_by(Job.id)):
        if job.state == JobState.QUEUED and job.created_at < now() - QUEUED_TOO_LONG:
            late.append(f"job {job.id} ({job.kind}) queued since {_minute(job.created_at)}"
                        " UTC: is the runner (devjavu-jobs) running?")
            continue
        last_heard = job.heartbeat_at or job.created_at
        if job.state == JobState.RUNNING and last_heard < now() - SILENT_TOO_LONG:
            late.append(f"job {job.id} ({job.kind}) has reported nothing since "
                        f"{_minute(last_heard)} UTC")
    return late


def _minute(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M")
