"""Importing a project's history from a live Subversion repository URL (svnsync).

`start_url_import` is the whole action for the dashboard and the CLI: the URL checked
(devjavu/svn/sourceurl.py) and read once (is it a repository?), the project created
empty (projects.service.create_project: all or nothing), its repository marked as being
imported (svn/repository.py: IMPORT_IN_PROGRESS lets svnsync set revision properties)
and a job queued that blocks writes, so the access file gives nobody write access until
it is done. The job runner (devjavu/jobs/runner.py) runs `run_import_job`: svnsync
initialize and synchronize, progress in revisions, then the marker removed and Trac's
cache rebuilt. A failure keeps what was copied; a retry carries on from there.

A source's password is never stored: it goes to the runner through
devjavu/jobs/secrets.py and to svnsync through a temporary configuration
(devjavu/svn/mirror.py). A job that needs it again (the site restarted) waits.
"""
import os

from sqlalchemy.orm import Session

from devjavu import audit
from devjavu.freetext import FreeTextError, check_single_line
from devjavu.fsutil import atomic_write
from devjavu.jobs import queue, secrets
from devjavu.jobs.context import JobContext, JobFailed, JobNeedsOwner, ThrottledProgress
from devjavu.models import Job, JobState, Project, User, hooks
from devjavu.projects.names import validate_project_name
from devjavu.projects.service import ProjectError, create_project
from devjavu.settings import Settings
from devjavu.svn.mirror import MirrorError, remove_abandoned_sessions, source_session
from devjavu.svn.repository import IMPORT_IN_PROGRESS
from devjavu.svn.fsfs import remove_unfinished_commit, youngest_on_disk
from devjavu.svn.sourceurl import SourceRefused, check_addresses, check_url
from devjavu.tracenv.create import TracEnvError
from devjavu.tracenv.resync import resync_repository

JOB_KIND = "svnsync-import"
MAX_USERNAME_LENGTH = 200


class SourceError(ProjectError):
    """The source URL, or what it names, cannot be imported from."""


def _work_dir(settings: Settings):
    return settings.run_dir / "imports"


def _session(settings: Settings, url: str, username: str | None):
    return source_session(_work_dir(settings), url, username,
                          str(settings.venv_dir / "bin" / "python"))


def _check_credentials(username: str, password: str) -> None:
    if password and not username:
        raise SourceError("A password needs a user name.")
    if len(username) > MAX_USERNAME_LENGTH:
        raise SourceError(f"User names may have at most {MAX_USERNAME_LENGTH} characters.")
    try:
        check_single_line(username, "The user name")
        check_single_line(password, "The password")
    except FreeTextError as e:
        raise SourceError(str(e)) from None


def check_source(settings: Settings, url: str) -> str:
    """The URL, stripped, if its form and the addresses it resolves to may be imported
    from; SourceError otherwise."""
    url = url.strip()
    try:
        check_url(url)
        check_addresses(url, settings.import_allowed_networks, (settings.listen_address,))
    except SourceRefused as e:
        raise SourceError(str(e)) from None
    return url


def start_url_import(db: Session, settings: Settings, name: str, owner: User, url: str,
                     username: str = "", password: str = "", private: bool = False,
                     actor: User | None = None, ip: str = "", description: str = "",
                     within_cap: bool = True) -> Job:
    """Create project `name` empty and read-only, and queue the copy of `url`'s history
    into it. Raises ProjectError, creating nothing, if the name, the URL or the source
    is refused (the source is read once here: it must be a repository we can read)."""
    try:
        validate_project_name(name)
    except ValueError as e:
        raise ProjectError(str(e)) from None
    _check_credentials(username, password)
    url = check_source(settings, url)
    with _session(settings, url, username or None) as source:
        try:
            youngest = source.youngest_revision(password)
        except MirrorError as e:
            raise SourceError(str(e)) from None
    project = create_project(db, settings, name, owner, description=description,
                             private=private, ip=ip, actor=actor, within_cap=within_cap)
    # Removed with the repository if the transaction is abandoned.
    atomic_write(settings.repository_path(name) / IMPORT_IN_PROGRESS, url + "\n")
    job = queue.enqueue(db, JOB_KIND, {"url": url, "username": username}, project,
                        blocks_writes=True)
    job.progress_total = youngest
    if password:
        _hand_over(db, settings, job, password)
    audit.record(db, audit.PROJECT_IMPORT_STARTED, actor=actor, subject=name, ip=ip,
                 detail=url)
    return job


def _hand_over(db: Session, settings: Settings, job: Job, password: str) -> None:
    secrets.hand_over(settings, job.id, password)
    hooks.after_rollback(db, lambda: secrets.discard(settings, job.id))


def import_job(db: Session, project: Project) -> Job | None:
    """The project's latest import from a URL, if it has one."""
    return queue.latest_for_project(db, project, JOB_KIND)


def retry_import(db: Session, settings: Settings, project: Project, password: str = "",
                 actor: User | None = None, ip: str = "") -> Job:
    """Queue the project's failed or waiting import again, from where it stopped."""
    job = import_job(db, project)
    if job is None:
        raise ProjectError(f"{project.name} has no import to retry.")
    username = queue.payload_of(job)["username"]
    _check_credentials(username, password)
    if username and not password:
        raise ProjectError("Give the source's password again: it is never stored.")
    try:
        queue.retry(db, job)
    except queue.JobError as e:
        raise ProjectError(str(e)) from None
    if password:
        _hand_over(db, settings, job, password)
    audit.record(db, audit.PROJECT_IMPORT_RETRIED, actor=actor, subject=project.name,
                 ip=ip)
    return job


def cancel_import(db: Session, settings: Settings, project: Project,
                  actor: User | None = None, ip: str = "") -> Job:
    """Give up a failed or waiting import, from a URL or of an uploaded dump: what was
    copied stays, and the project becomes writable."""
    job = queue.latest_blocking_for_project(db, project)
    if job is None or job.state not in (JobState.FAILED, JobState.WAITING):
        raise ProjectError("Only a failed or waiting import can be given up.")
    repository = settings.repository_path(project.name)
    # The marker goes after the commit: checked first that it can.
    if not os.access(repository, os.W_OK | os.X_OK):
        raise ProjectError(f"Cannot make {project.name} writable: {repository} is not "
                           "writable for the site's user; give it back to that user.")
    queue.end(db, job.id, JobState.CANCELLED)
    hooks.after_commit(db, f"import-marker:{project.name}",
                       lambda: (repository / IMPORT_IN_PROGRESS).unlink(missing_ok=True))
    audit.record(db, audit.PROJECT_IMPORT_CANCELLED, actor=actor, subject=project.name,
                 ip=ip)
    return job


def run_import_job(context: JobContext) -> None:
    """The job runner's handler for JOB_KIND (see the module's docstring)."""
    settings = context.site.settings
    url, username = context.payload["url"], context.payload["username"] or None
    with context.site.reading() as db:
        project = db.get(Job, context.job_id).project
        if project is None or project.deleted_at is not None:
            raise JobFailed("The project was deleted.")
        name = project.name
    # A runner killed mid-copy left its password cached for svnsync: gone before anything.
    remove_abandoned_sessions(_work_dir(settings))
    if username and context.secret is None:
        raise JobNeedsOwner(f"The password for {username} is needed again (it is never "
                            "stored, and the site or its job runner restarted since it was "
                            "given): give it and retry.")
    try:
        # Again now: the name may resolve elsewhere than when the import was asked for.
        check_source(settings, url)
    except ProjectError as e:
        raise JobFailed(str(e)) from None
    repository = settings.repository_path(name)
    try:
        with _session(settings, url, username) as source:
            total = source.youngest_revision(context.secret)
            progress = ThrottledProgress(context, total)
            progress(youngest_on_disk(repository) or 0, force=True)
            # A killed runner's svnsync may have died inside a commit.
            remove_unfinished_commit(repository)
            source.initialize(repository)
            source.synchronize(repository, progress)
    except MirrorError as e:
        raise JobFailed(str(e)) from None
    progress(youngest_on_disk(repository) or 0, force=True)
    try:
        resync_repository(settings, name)
    except TracEnvError as e:
        raise JobFailed(str(e)) from None
    (repository / IMPORT_IN_PROGRESS).unlink(missing_ok=True)
