"""A dump uploaded on the dashboard becomes an empty project's history, loaded by the job
runner (devjavu/jobs/runner.py) outside the web request.

The upload is received into `<data_dir>/imports/` (devjavu/dashboard/uploads.py) and
handed to a job that blocks writes to the project until it ends. The job loads it
beside the project's empty repository and moves the result in only whole
(`importing.load_into_empty_project`), so a bad dump, a full disk or a killed runner
never leaves half a history: a killed runner's job is resumed from the start of the
file, and a failed one leaves the project empty, with the reason on its page, until
its owner uploads another dump or gives up (the project is then writable, and empty).
The file is removed when its job ends, whatever the end.
"""
import re
import uuid
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from devjavu import audit
from devjavu.jobs import queue
from devjavu.jobs.context import JobContext, JobFailed, ThrottledProgress
from devjavu.models import Job, JobState, Project, User, hooks
from devjavu.models.job import UNFINISHED
from devjavu.projects.importing import load_into_empty_project
from devjavu.projects.staging import imports_dir, remove_abandoned_imports
from devjavu.projects.service import ProjectError
from devjavu.settings import Settings
from devjavu.svn.fsfs import youngest_on_disk

JOB_KIND = "dump-import"
_FILE_RE = re.compile(r"[0-9a-f]{32}\.dump")


def uploads_dir(settings: Settings) -> Path:
    """Where uploads are received (as *.partial) and wait for their job (as *.dump)."""
    return imports_dir(settings) / "uploads"


def check_can_take_dump(db: Session, settings: Settings, project: Project) -> None:
    """A dump goes only into an empty repository that no import is filling. Raises
    ProjectError."""
    if youngest_on_disk(settings.repository_path(project.name)) != 0:
        raise ProjectError(f"{project.name} already has history: a dump can only start "
                           "an empty repository.")
    if _unfinished_import(db, project, (JobState.QUEUED, JobState.RUNNING,
                                        JobState.WAITING)):
        raise ProjectError(f"{project.name} is being imported already.")


def _unfinished_import(db: Session, project: Project, states) -> list[Job]:
    return list(db.scalars(select(Job).where(Job.project_id == project.id,
                                             Job.blocks_writes.is_(True),
                                             Job.state.in_(states))))


def start_dump_import(db: Session, settings: Settings, project: Project, upload: Path,
                      size: int, actor: User | None = None, ip: str = "") -> Job:
    """Queue the load of the received dump at `upload` (in uploads_dir) into `project`.
    An earlier import that failed is given up for it. The file is removed if the
    transaction is abandoned. Raises ProjectError."""
    check_can_take_dump(db, settings, project)
    for failed in _unfinished_import(db, project, UNFINISHED):
        queue.end(db, failed.id, JobState.CANCELLED, failed.error)
    kept = uploads_dir(settings) / f"{uuid.uuid4().hex}.dump"
    upload.rename(kept)
    hooks.after_rollback(db, lambda: kept.unlink(missing_ok=True))
    job = queue.enqueue(db, JOB_KIND, {"file": kept.name, "bytes": size}, project,
                        blocks_writes=True)
    audit.record(db, audit.PROJECT_IMPORT_STARTED, actor=actor, subject=project.name,
                 ip=ip, detail=f"an uploaded dump of {size} bytes")
    return job


def upload_of(settings: Settings, job: Job) -> Path:
    name = queue.payload_of(job)["file"]
    if not _FILE_RE.fullmatch(name):
        raise JobFailed("The job names no uploaded dump.")
    return uploads_dir(settings) / name


def run_dump_import_job(context: JobContext) -> None:
    """The job runner's handler for JOB_KIND (see the module's docstring)."""
    settings = context.site.settings
    with context.site.reading() as db:
        job = db.get(Job, context.job_id)
        project = job.project
        if project is None or project.deleted_at is not None:
            raise JobFailed("The project was deleted.")
        name, upload = project.name, upload_of(settings, job)
    # A runner killed while loading left its staging repository: it goes first.
    remove_abandoned_imports(settings)
    try:
        with open(upload, "rb") as stream:
            youngest = load_into_empty_project(settings, name, stream,
                                               ThrottledProgress(context, None))
    except FileNotFoundError:
        raise JobFailed("The uploaded dump is gone (the site's data was restored?): "
                        "upload it again.") from None
    except ProjectError as e:
        upload.unlink(missing_ok=True)
        raise JobFailed(str(e)) from None
    upload.unlink(missing_ok=True)
    context.progress(youngest, youngest)
    with context.site.unit_of_work() as db:
        audit.record(db, audit.PROJECT_IMPORTED, subject=name,
                     detail=f"{youngest} revisions from an uploaded dump")


def remove_unclaimed_uploads(db: Session, settings: Settings) -> list[str]:
    """Uploads no unfinished job will load (a request killed while receiving one, a job
    that ended before removing its file); run at every start. Returns their names."""
    wanted = {queue.payload_of(job).get("file") for job in db.scalars(
        select(Job).where(Job.kind == JOB_KIND, Job.state.in_(UNFINISHED)))}
    removed = []
    for path in sorted(uploads_dir(settings).glob("*")):
        if path.name not in wanted:
            path.unlink(missing_ok=True)
            removed.append(path.name)
    return removed
