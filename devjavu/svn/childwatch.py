"""Apache children that ended uncleanly, and verifying what they may have been writing.

Apache's children serve /svn, so they write every revision. Each leaves a record in
`<data_dir>/children/` as it starts (its pid, its start time in the kernel's ticks
against pid reuse, and the wall-clock time) and removes it at an orderly exit (mod_wsgi
runs `atexit` handlers when a child stops). A record whose process is gone is an unclean
end: a SIGKILL, a crash, the whole server killed. Then the newest revisions of every
repository changed since that child started are checked with `svnadmin verify`; a
repository that fails is recorded in `<data_dir>/verify-failures/` and reported by the
health check until the same verification passes again (README: "A repository fails
verification").
"""
import atexit
import fcntl
import logging
import math
import os
import subprocess
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from devjavu.fsutil import atomic_write
from devjavu.settings import Settings
from devjavu.svn.fsfs import youngest_on_disk

log = logging.getLogger(__name__)

# A child writes at most one revision at a time per connection; the newest few cover
# what it may have been writing when it died, and a client's resent MERGE after it.
NEWEST_REVISIONS = 5
VERIFY_SECONDS = 600


@dataclass(frozen=True)
class ChildRecord:
    pid: int
    start_ticks: int
    started_at: float

    @property
    def file_name(self) -> str:
        return f"{self.pid}-{self.start_ticks}-{self.started_at:.0f}"

    @classmethod
    def parse(cls, name: str) -> "ChildRecord | None":
        parts = name.split("-")
        if len(parts) != 3 or not all(p.isdigit() for p in parts):
            return None
        return cls(int(parts[0]), int(parts[1]), float(parts[2]))

    def ended(self) -> bool:
        return _start_ticks(self.pid) != self.start_ticks


@dataclass(frozen=True)
class VerifyFailure:
    project: str
    first: int
    last: int
    error: str


def _start_ticks(pid: int) -> int | None:
    """The process's start time since boot, or None when there is no such process (or
    only its exit status is left: a zombie nobody has reaped yet)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return None if fields[0] in ("Z", "X") else int(fields[19])
    except (OSError, IndexError, ValueError):
        return None


def _wall_clock_of(ticks: int) -> float:
    """When a process that started `ticks` after boot started, by the wall clock: the
    child's fork, not the later moment this code ran in it (imports take seconds on a
    busy machine, and requests may be served meanwhile), one second early at most."""
    with open("/proc/stat") as f:
        boot = next(int(line.split()[1]) for line in f if line.startswith("btime "))
    return math.floor(boot + ticks / os.sysconf("SC_CLK_TCK")) - 1


def children_dir(settings: Settings) -> Path:
    return settings.data_dir / "children"


def failures_dir(settings: Settings) -> Path:
    return settings.data_dir / "verify-failures"


def watch_this_child(settings: Settings) -> None:
    """Called once in each Apache child as it starts: the record, and its removal at an
    orderly exit."""
    ticks = _start_ticks(os.getpid())
    record = ChildRecord(os.getpid(), ticks, _wall_clock_of(ticks))
    directory = children_dir(settings)
    directory.mkdir(mode=0o700, exist_ok=True)
    path = directory / record.file_name
    path.touch()
    atexit.register(_remove_quietly, path)


def _remove_quietly(path: Path) -> None:
    try:
        path.unlink()
    except FileNotFoundError:
        pass


def unclean_ends(settings: Settings) -> list[ChildRecord]:
    try:
        names = os.listdir(children_dir(settings))
    except FileNotFoundError:
        return []
    records = [ChildRecord.parse(name) for name in names]
    return [record for record in records if record is not None and record.ended()]


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
                    _remove_quietly(children_dir(settings) / record.file_name)
    return recorded_failures(settings)


def _verify_changed_since(settings: Settings, since: float) -> None:
    for repository in sorted(settings.repos_dir.iterdir()):
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
            _remove_quietly(failures_dir(settings) / failure.project)
            continue
        youngest = youngest_on_disk(repository)
        last = failure.last if youngest is None else min(failure.last, youngest)
        if verify_revisions(repository, failure.first, last) is None:
            log.warning("repository %s passes svnadmin verify again", failure.project)
            _remove_quietly(failures_dir(settings) / failure.project)
