"""Apache children that ended uncleanly, and verifying what they may have been writing.

Apache's children serve /svn, so they write every revision. Each leaves a record as it
starts and removes it at an orderly exit (devjavu/apachechild/childrecord.py). A record
whose process is gone is an unclean end: a SIGKILL, a crash, the whole server killed.
Then the newest revisions of every repository changed since that child started are
checked with `svnadmin verify` (after removing what a commit killed half-way left where
the next revision goes: svn/fsfs.py); a repository that fails is recorded in
`<data_dir>/verify-failures/` and reported by the health check until the same
verification passes again (README: "A repository fails verification").
"""
import fcntl
import logging
import subprocess
import threading
import traceback
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from devjavu.apachechild.childrecord import children_dir, remove_record, unclean_ends
from devjavu.fsutil import atomic_write
from devjavu.settings import Settings
from devjavu.svn.fsfs import remove_unfinished_commit, youngest_on_disk

log = logging.getLogger(__name__)

# A child writes at most one revision at a time per connection; the newest few cover
# what it may have been writing when it died, and a client's resent MERGE after it.
NEWEST_REVISIONS = 5
VERIFY_SECONDS = 600
# How often the job runner's process looks for unclean ends (a commit killed half-way
# refuses every later commit to its repository until then: svn/fsfs.py).
WATCH_SECONDS = 5.0


@dataclass(frozen=True)
class VerifyFailure:
    project: str
    first: int
    last: int
    error: str


def failures_dir(settings: Settings) -> Path:
    return settings.data_dir / "verify-failures"


def verify_revisions(repository: Path, first: int, last: int) -> str | None:
    """None when `svnadmin verify` passes on revisions first..last, else its error."""
    result = subprocess.run(["svnadmin", "verify", "--quiet", "-r", f"{first}:{last}",
                             str(repository)], capture_output=True, text=True,
                            timeout=VERIFY_SECONDS)
    if result.returncode == 0:
        return None
    # One line, for the health report and the log: svnadmin's message spans several.
    error = " ".join(result.stderr.split()) or f"svnadmin verify exited {result.returncode}"
    return error[-500:]


@contextmanager
def _one_at_a_time(settings: Settings):
    """Yields False when another process is verifying right now."""
    directory = failures_dir(settings)
    directory.mkdir(mode=0o700, exist_ok=True)
    with open(directory / ".lock", "a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        yield True


def verify_after_unclean_ends(settings: Settings) -> list[VerifyFailure]:
    """Verify the newest revisions of the repositories changed since a child that ended
    uncleanly started; recheck known failures. Returns the failures that remain."""
    with _one_at_a_time(settings) as mine:
        if mine:
            # Known failures first: one found below was just verified, not again.
            _recheck_failures(settings)
            ended = unclean_ends(settings)
            if ended:
                _verify_changed_since(settings, min(r.started_at for r in ended))
                for record in ended:
                    remove_record(children_dir(settings) / record.file_name)
    return recorded_failures(settings)


def watch(settings: Settings, stop: threading.Event, every: float = WATCH_SECONDS) -> None:
    """verify_after_unclean_ends every `every` seconds until `stop` is set (a thread of
    the job runner's process: devjavu/jobs/runner.py); the health check and every start
    run it as well."""
    while not stop.wait(every):
        try:
            verify_after_unclean_ends(settings)
        except Exception:
            log.error("unclean-end check:\n%s", traceback.format_exc())


def _verify_changed_since(settings: Settings, since: float) -> None:
    for repository in sorted(settings.repos_dir.iterdir()):
        # Before the age check: a commit killed half-way did not move db/current on.
        if remove_unfinished_commit(repository):
            log.warning("repository %s: removed what a commit killed half-way left "
                        "behind (it would have refused every later commit)",
                        repository.name)
        current = repository / "db" / "current"
        try:
            if current.stat().st_mtime < since:
                continue
        except OSError:
            continue        # not a repository: leftovers are the journal's business
        youngest = youngest_on_disk(repository)
        if youngest is None:
            continue
        first = max(0, youngest - NEWEST_REVISIONS + 1)
        error = verify_revisions(repository, first, youngest)
        if error is not None:
            log.error("repository %s fails svnadmin verify on r%d:%d after an Apache "
                      "child ended uncleanly: %s", repository.name, first, youngest, error)
            _record_failure(settings, VerifyFailure(repository.name, first, youngest, error))


def _record_failure(settings: Settings, failure: VerifyFailure) -> None:
    atomic_write(failures_dir(settings) / failure.project,
                 f"{failure.first}:{failure.last}\n{failure.error}\n")


def recorded_failures(settings: Settings) -> list[VerifyFailure]:
    failures = []
    try:
        paths = sorted(failures_dir(settings).iterdir())
    except FileNotFoundError:
        return []
    for path in paths:
        if path.name.startswith("."):
            continue
        span, _, error = path.read_text().partition("\n")
        first, _, last = span.partition(":")
        failures.append(VerifyFailure(path.name, int(first), int(last), error.strip()))
    return failures


def _recheck_failures(settings: Settings) -> None:
    """A repository the operator repaired (README) passes again and is reported no more."""
    for failure in recorded_failures(settings):
        repository = settings.repository_path(failure.project)
        if not repository.exists():
            remove_record(failures_dir(settings) / failure.project)
            continue
        youngest = youngest_on_disk(repository)
        last = failure.last if youngest is None else min(failure.last, youngest)
        if verify_revisions(repository, failure.first, last) is None:
            log.warning("repository %s passes svnadmin verify again", failure.project)
            remove_record(failures_dir(settings) / failure.project)
