"""project import NAME --owner USER --url URL, import-retry, import-cancel.

The command runs the import itself, in the foreground, through the job runner's own
code (devjavu/jobs/runner.py) and the same handler: the operator sees it through to its
end and its exit code says how it went, whether or not Apache runs. The job is claimed
by this process as it is queued, so the site's runner leaves it alone; if the command is
stopped (Ctrl-C), the site's runner resumes it.
"""
import sys

from devjavu import audit
from devjavu.accounts import users
from devjavu.cli.context import changing, reading
from devjavu.cli.errors import CommandError
from devjavu.cli.secrets import read_password
from devjavu.jobs import queue
from devjavu.jobs.runner import Runner, default_handlers
from devjavu.models import Job, JobState
from devjavu.projects import service, urlimport
from devjavu.site import Site


def add_url_options(parser) -> None:
    """What `project import --url` takes beyond the other imports' options."""
    parser.add_argument("--username", default="",
                        help="with --url: the source's user name; its password: one line "
                        "on stdin")


def register_verbs(verbs) -> None:
    retry = verbs.add_parser("import-retry", help="carry on with a failed or waiting "
                             "import from a URL (password, if any: one line on stdin)")
    retry.add_argument("name")
    retry.set_defaults(handler=retry_url_import)
    cancel = verbs.add_parser("import-cancel", help="give up a failed import from a URL: "
                              "what was copied stays, and the project becomes writable")
    cancel.add_argument("name")
    cancel.set_defaults(handler=cancel_url_import)


def _report(done: int, total: int | None) -> None:
    print(f"{done}/{total} revisions", flush=True)


def _run(settings, job_id: int, name: str) -> int:
    state = Runner(Site(settings), default_handlers()).run_claimed(job_id, report=_report)
    with reading(settings) as db:
        job = db.get(Job, job_id)
        done, error = job.progress_done, job.error
    if state != JobState.DONE:
        raise CommandError(f"The import into {name} stopped at revision {done}: {error} "
                           f"What was copied stays; `devjavu-admin project import-retry "
                           f"{name}` carries on.")
    print(f"Imported {done} revisions into {name}: Trac at /{name}/, Subversion at "
          f"/svn/{name}.")
    return 0


def import_from_url(settings, args) -> int:
    password = read_password(f"Password for {args.username}: ") if args.username else ""
    with changing(settings) as db:
        job = urlimport.start_url_import(
            db, settings, args.name, users.get_user(db, args.owner), args.url,
            username=args.username, password=password, private=args.private,
            description=args.description, ip=audit.COMMAND_LINE, within_cap=False)
        queue.claim(db, job)
        job_id, total = job.id, job.progress_total
    print(f"Created project {args.name} (read-only until the import ends); importing "
          f"{total} revisions.", flush=True)
    return _run(settings, job_id, args.name)


def retry_url_import(settings, args) -> int:
    with reading(settings) as db:
        job = urlimport.import_job(db, service.get_project(db, args.name))
        username = queue.payload_of(job)["username"] if job else ""
    password = read_password(f"Password for {username}: ") if username else ""
    with changing(settings) as db:
        job = urlimport.retry_import(db, settings, service.get_project(db, args.name),
                                     password=password, ip=audit.COMMAND_LINE)
        queue.claim(db, job)
        job_id = job.id
    return _run(settings, job_id, args.name)


def cancel_url_import(settings, args) -> int:
    with changing(settings) as db:
        urlimport.cancel_import(db, settings, service.get_project(db, args.name),
                                ip=audit.COMMAND_LINE)
    print(f"The import into {args.name} is given up; the project is writable.",
          file=sys.stdout)
    return 0
