"""The job runner's work done in the test's own process: every queued job, in order;
and an import from a URL stopped half-way, as the runner leaves one."""
from devjavu.accounts import users
from devjavu.jobs import queue
from devjavu.jobs.runner import Runner, default_handlers
from devjavu.models import Job, JobState
from devjavu.projects import service, urlimport
from devjavu.svn.repository import IMPORT_IN_PROGRESS


def run_queued_jobs(site) -> list[JobState]:
    """Run jobs until none is left to claim; the state each ended in."""
    runner = Runner(site, default_handlers())
    ended = []
    while runner.run_once():
        with site.reading() as db:
            ended.append(db.query(Job).order_by(Job.id.desc()).first().state)
    return ended


def stop_an_import(site, name: str, owner: str, username: str = "") -> int:
    """Project `name`, owned by `owner`, whose import from a URL (from a source with
    `username`, if given) failed; the job's id."""
    with site.unit_of_work() as db:
        project = service.create_project(db, site.settings, name,
                                         users.get_user(db, owner))
        job = queue.enqueue(db, urlimport.JOB_KIND, {"url": "svn://example.org/r",
                                                     "username": username},
                            project, blocks_writes=True)
        job.state, job.error = JobState.FAILED, "the source went away"
        job_id = job.id
    (site.settings.repository_path(name) / IMPORT_IN_PROGRESS).write_text("x\n")
    return job_id
