"""The job runner: one thread in the `devjavu-jobs` mod_wsgi daemon process.

Apache starts that process with the site (apache/httpd.conf.in: WSGIDaemonProcess
devjavu-jobs, processes=1 threads=1, as the run user) and loads apache/jobs.wsgi.in into
it at once (WSGIImportScript), which calls `start()`. mod_wsgi starts the process again
if it dies, and stops it with Apache. The thread claims one job at a time from the
shared database (devjavu/jobs/queue.py): a queued one, or one that a killed runner left
running, which is resumed. A job's `kind` names its handler (HANDLERS); a handler gets a
JobContext and either returns (done) or raises JobFailed (failed, with the message shown
to its owner, who can retry) or JobNeedsOwner (waiting for its owner). A second thread
looks for Apache children that ended uncleanly (devjavu/svn/childwatch.py: watch).
"""
import logging
import logging.config
import threading
import traceback
from typing import Callable

from devjavu.jobs import queue, secrets
from devjavu.jobs.context import JobContext, JobFailed, JobNeedsOwner
from devjavu.failures import first_line
from devjavu.models import Job, JobState
from devjavu.site import Site
from devjavu.svn import childwatch

log = logging.getLogger(__name__)

POLL_SECONDS = 1.0


Handler = Callable[[JobContext], None]


def default_handlers() -> dict[str, Handler]:
    # Imported here: the handlers are services that queue jobs through this package.
    from devjavu.projects import dumpupload, urlimport
    return {urlimport.JOB_KIND: urlimport.run_import_job,
            dumpupload.JOB_KIND: dumpupload.run_dump_import_job}


class Runner:
    def __init__(self, site: Site, handlers: dict[str, Handler]):
        self.site = site
        self.handlers = handlers

    def run_once(self) -> bool:
        """Claim and run one job; False when there was none."""
        with self.site.unit_of_work() as db:
            claimed = queue.claim_next(db, self.handlers)
            if claimed is None:
                return False
            job, resumed = claimed
            job_id = job.id
        self.run_claimed(job_id, resumed)
        return True

    def run_claimed(self, job_id: int, resumed: bool = False, report=None) -> JobState:
        """Run a job this process has claimed, to its end; `report(done, total)` hears
        of its progress. Returns the state it ended in."""
        with self.site.reading() as db:
            job = db.get(Job, job_id)
            kind, payload = job.kind, queue.payload_of(job)
        context = JobContext(self.site, job_id, payload, resumed,
                             secrets.take(self.site.settings, job_id), report)
        log.info("job %d (%s) %s", job_id, kind, "resumed" if resumed else "started")
        try:
            self.handlers[kind](context)
        except JobFailed as e:
            return self._end(job_id, JobState.FAILED, str(e))
        except JobNeedsOwner as e:
            return self._end(job_id, JobState.WAITING, str(e))
        except Exception as e:
            log.error("job %d (%s) failed:\n%s", job_id, kind, traceback.format_exc())
            return self._end(job_id, JobState.FAILED, f"Unexpected error: "
                             f"{type(e).__name__}: {first_line(e)}")
        return self._end(job_id, JobState.DONE)

    def _end(self, job_id: int, state: JobState, error: str = "") -> JobState:
        log.info("job %d %s%s", job_id, state, f": {error}" if error else "")
        with self.site.unit_of_work() as db:
            queue.end(db, job_id, state, error)
        return state

    def run_forever(self, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                if self.run_once():
                    continue
            except Exception:
                # The database away for a moment, say: the next round tries again.
                log.error("job runner:\n%s", traceback.format_exc())
            stop.wait(POLL_SECONDS)


_started: list[threading.Thread] = []


def start(ini_path: str) -> threading.Thread:
    """Start the runner thread for the site of `ini_path` (once per process)."""
    if _started:
        return _started[0]
    site = Site.from_ini(ini_path)
    logging.config.fileConfig(site.settings.ini_path, disable_existing_loggers=False)
    runner = Runner(site, default_handlers())
    # A daemon thread: the process ends when mod_wsgi stops it, and a job it was running
    # is resumed by the next runner.
    thread = threading.Thread(target=runner.run_forever, args=(threading.Event(),),
                              name="devjavu-jobs", daemon=True)
    thread.start()
    _started.append(thread)
    # Beside it: Apache's children that ended uncleanly, and what they left behind.
    threading.Thread(target=childwatch.watch, args=(site.settings, threading.Event()),
                     name="devjavu-childwatch", daemon=True).start()
    return thread
