"""The site's health checks: each says whether it passes and the figure behind it."""
import os
import shutil
import tempfile
import threading
import time
from dataclasses import asdict, dataclass

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from devjavu.authz import install
from devjavu.backup.status import age_hours, read_status, site_age_hours
from devjavu.jobs import queue
from devjavu.projects import journal
from devjavu.site import Site
from devjavu.svn import childwatch


@dataclass(frozen=True)
class CheckResult:
    name: str
    ok: bool
    detail: str
    value: float | int | None = None


def check_database(site: Site) -> CheckResult:
    try:
        with site.reading() as db:
            db.execute(text("SELECT 1"))
    except SQLAlchemyError as e:
        return CheckResult("database", False, f"unreachable: {e.__class__.__name__}: {e}")
    return CheckResult("database", True, "reachable")


def check_data_dir_writable(site: Site) -> CheckResult:
    data_dir = site.settings.data_dir
    try:
        with tempfile.NamedTemporaryFile(dir=data_dir, prefix=".health-") as f:
            f.write(b"ok")
            f.flush()
            os.fsync(f.fileno())
    except OSError as e:
        return CheckResult("data_dir", False, f"{data_dir} is not writable: {e}")
    return CheckResult("data_dir", True, f"{data_dir} is writable")


def check_free_disk(site: Site) -> CheckResult:
    usage = shutil.disk_usage(site.settings.data_dir)
    free_percent = round(100.0 * usage.free / usage.total, 2)
    reserve = site.settings.disk_reserve
    ok = usage.free >= reserve.bytes_for(usage.total)
    return CheckResult("free_disk", ok,
                       f"{free_percent}% free ({usage.free // 2**20} MiB), reserve {reserve}",
                       free_percent)


def check_authz_in_step(site: Site) -> CheckResult:
    try:
        with site.reading() as db:
            stale = install.out_of_step(db, site.settings)
    except SQLAlchemyError as e:
        return CheckResult("authz", False, f"cannot compare with the database: {e}")
    if stale:
        return CheckResult("authz", False, "out of step with the database: "
                           + ", ".join(stale[:20]) + (" ..." if len(stale) > 20 else ""),
                           len(stale))
    return CheckResult("authz", True, "in step with the database", 0)


def check_leftovers(site: Site) -> CheckResult:
    """Directories of projects whose creation was killed half-way, or that no project
    owns: they block the name and hold disk."""
    try:
        with site.reading() as db:
            unowned = journal.orphans(db, site.settings)
    except SQLAlchemyError as e:
        return CheckResult("leftovers", False, f"cannot compare with the database: {e}")
    half_made = journal.abandoned(site.settings)
    if half_made:
        return CheckResult("leftovers", False, "creations killed half-way: "
                           + ", ".join(half_made) + " (`devjavu-admin check --repair` or a "
                           "restart removes them)", len(half_made) + len(unowned))
    if unowned:
        return CheckResult("leftovers", False, "directories no project owns in repos/ or "
                           "trac/: " + ", ".join(unowned) + " (move them away)", len(unowned))
    return CheckResult("leftovers", True, "no half-made or unowned project directories", 0)


def check_repositories_verify(site: Site) -> CheckResult:
    """After an Apache child ended uncleanly (killed, crashed), the newest revisions of
    the repositories it may have been writing pass `svnadmin verify`."""
    failures = childwatch.verify_after_unclean_ends(site.settings)
    if failures:
        return CheckResult("repositories", False, "; ".join(
            f"{f.project} fails svnadmin verify on r{f.first}:{f.last}: {f.error}"
            for f in failures) + " (README: \"A repository fails verification\")",
            len(failures))
    return CheckResult("repositories", True, "no repository failed verification", 0)


def check_backup_age(site: Site) -> CheckResult:
    settings = site.settings
    status = read_status(settings.backup_dir)
    success, failure = status.get("last_success"), status.get("last_failure")
    age = age_hours(success)
    limit = settings.backup_max_age_hours
    if failure and (not success or failure["at"] > success["at"]):
        return CheckResult("backup", False, f"the last backup failed: {failure['error']}",
                           round(age, 1) if age is not None else None)
    if age is None:
        if site_age_hours(settings.secret_path) < limit:
            return CheckResult("backup", True, "no backup yet (new site)")
        return CheckResult("backup", False, "no backup has ever succeeded")
    return CheckResult("backup", age <= limit,
                       f"last good backup {age:.1f} hours ago (limit {limit})", round(age, 1))


def check_jobs(site: Site) -> CheckResult:
    with site.reading() as db:
        late = queue.overdue(db)
    if late:
        return CheckResult("jobs", False, "; ".join(late), len(late))
    return CheckResult("jobs", True, "no job waiting or silent too long", 0)


CHECKS = (check_database, check_data_dir_writable, check_free_disk, check_authz_in_step,
          check_leftovers, check_repositories_verify, check_backup_age, check_jobs)


def run_checks(site: Site) -> list[CheckResult]:
    return [check(site) for check in CHECKS]


class RecentChecks:
    """The checks' results, run at most once per `max_age` seconds in this process.

    /_health answers anyone, as often as they ask, and each run writes and fsyncs a file
    and reads every project's authz file: a burst of requests must not become a burst
    of disk work. Requests that arrive while the checks run wait for that run's results
    rather than starting their own. `devjavu-admin check` runs them fresh instead."""

    def __init__(self, max_age: float = 5.0, clock=time.monotonic):
        self._max_age = max_age
        self._clock = clock
        self._lock = threading.Lock()
        self._results: list[CheckResult] | None = None
        self._taken_at = 0.0

    def results(self, site: Site) -> list[CheckResult]:
        with self._lock:
            if self._results is None or self._clock() - self._taken_at >= self._max_age:
                self._results = run_checks(site)
                self._taken_at = self._clock()
            return self._results


def status_only(report: dict) -> dict:
    """What /_health tells anyone: the overall status, none of the checks' details
    (the data directory's path, out-of-step projects, error texts)."""
    return {"status": report["status"]}


def health_report(results: list[CheckResult]) -> dict:
    return {
        "status": "ok" if all(r.ok for r in results) else "failing",
        "checks": {r.name: {k: v for k, v in asdict(r).items() if k != "name"}
                   for r in results},
    }
