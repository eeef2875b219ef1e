"""The job runner's work done in the test's own process: every queued job, in order."""
from devjavu.jobs.runner import Runner, default_handlers
from devjavu.models import Job, JobState


def run_queued_jobs(site) -> list[JobState]:
    """Run jobs until none is left to claim; the state each ended in."""
    runner = Runner(site, default_handlers())
    ended = []
    while runner.run_once():
        with site.reading() as db:
            ended.append(db.query(Job).order_by(Job.id.desc()).first().state)
    return ended
