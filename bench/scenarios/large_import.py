"""Target 9: a large import beside other projects. Readers load the Trac page mix of other
projects while nothing else runs (their usual response times), then while
`devjavu-admin project import NAME --owner USER --dump FILE` loads a large dump (the
import's own path: svnadmin load at the lowest CPU and disk priority into a staging
repository, svnadmin verify, then Trac reads the history), then while a plain
`svnadmin load` of the same dump runs at normal priority (the bare component, no
DevjaVu). Figures: the readers' page p99 during our import against their usual p99,
and the revisions per second of our import against the bare load's."""
import subprocess
import threading
import time

from bench.fixtures.accounts import username
from bench.fixtures.bigdump import write_dump
from bench.load.http import read_in_turn
from bench.oursite import our_apache
from bench.results import Figure, ScenarioResult, ratio_at_most
from bench.scenarios import Context
from bench.scenarios.peak_hour import percentile
from bench.scenarios.trac_mix import PAGES
from bench.servers import running
from tests.support.apache import ADMIN

TITLE = "9. A large import beside other projects' readers"
READERS = 10
PROJECTS = 10


class Readers:
    """READERS threads loading the page mix of `pages` until stopped; one list of
    (seconds) per run, errors counted."""

    def __init__(self, base: str, pages: list[str]):
        self.base, self.pages = base, pages

    def _loop(self, number: int, stop: threading.Event, out: dict) -> None:
        read_in_turn(self.base, self.pages, number, lambda: not stop.is_set(), out)

    def during(self, work) -> tuple[dict, float]:
        """Read while `work()` runs; returns (pages and errors, seconds `work` took)."""
        out = {"pages": [], "errors": 0}
        stop = threading.Event()
        threads = [threading.Thread(target=self._loop, args=(n, stop, out))
                   for n in range(READERS)]
        for thread in threads:
            thread.start()
        started = time.monotonic()
        try:
            work()
        finally:
            seconds = time.monotonic() - started
            stop.set()
            for thread in threads:
                thread.join()
        return out, seconds


def _import_with_cli(ini_path, name: str, owner: str, dump) -> None:
    result = subprocess.run([ADMIN, "-c", str(ini_path), "project", "import", name,
                             "--owner", owner, "--dump", str(dump)],
                            capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"the import failed: {result.stderr.strip()}")


def _bare_load(repository, dump) -> None:
    subprocess.run(["svnadmin", "create", str(repository)], check=True)
    with open(dump, "rb") as stream:
        subprocess.run(["svnadmin", "load", "--quiet", str(repository)], stdin=stream,
                       check=True, capture_output=True)


def run(context: Context) -> ScenarioResult:
    main, plan, log = context.main, context.plan, context.log
    pages = [f"/{project}{page}" for project in main.content_projects[:PROJECTS]
             for page in PAGES]
    dump = context.workspace.directory("import") / "large.dump"
    dump_bytes = write_dump(dump, plan.import_revisions, plan.import_megabytes * 2**20)
    dump.chmod(0o644)
    dump.parent.chmod(0o755)
    log(f"large import: a dump of {dump_bytes / 2**20:.0f} MB, "
        f"{plan.import_revisions} revisions")
    owner = username(0)
    ours = our_apache("ours-import", main.site, context.workspace)
    result = ScenarioResult(TITLE)
    quiet, during, bare, rates, bare_rates = [], [], [], [], []
    with running(ours):
        readers = Readers(ours.url, pages)
        readers.during(lambda: time.sleep(3))                # every page opened once
        for round_number in range(plan.import_rounds):
            usual, _ = readers.during(lambda: time.sleep(plan.import_quiet_seconds))
            name = f"imported-{round_number}"
            loading, seconds = readers.during(
                lambda: _import_with_cli(main.site.ini_path, name, owner, dump))
            plain, bare_seconds = readers.during(lambda: _bare_load(
                context.workspace.directory("import") / f"bare-{round_number}", dump))
            quiet.append(usual)
            during.append(loading)
            bare.append(plain)
            rates.append(plan.import_revisions / seconds)
            bare_rates.append(plan.import_revisions / bare_seconds)
            log(f"large import round {round_number}: ours {seconds:.0f} s, bare load "
                f"{bare_seconds:.0f} s")
    result.figures.append(Figure(
        TITLE, f"other projects' Trac page p99 while a {plan.import_megabytes} MB dump "
        "is imported", "s", [percentile(r["pages"], 0.99) for r in during],
        [percentile(r["pages"], 0.99) for r in quiet],
        "the same readers with nothing loading", ratio_at_most(1.5)))
    result.figures.append(Figure(
        TITLE, f"import rate of a {plan.import_megabytes} MB dump "
        f"({plan.import_revisions} revisions), readers running", "rev/s", rates,
        bare_rates, "plain svnadmin load at normal priority, same readers running"))
    result.figures.append(Figure(
        TITLE, "other projects' Trac page p99 while the plain svnadmin load runs", "s",
        [percentile(r["pages"], 0.99) for r in bare],
        [percentile(r["pages"], 0.99) for r in quiet],
        "the same readers with nothing loading"))
    for label, runs in (("nothing loading", quiet), ("our import", during),
                        ("plain svnadmin load", bare)):
        result.notes.append(
            f"{label}: pages {[len(r['pages']) for r in runs]}, page p50 "
            f"{[round(1000 * percentile(r['pages'], 0.5)) for r in runs]} ms, errors "
            f"{[r['errors'] for r in runs]}.")
    result.notes.append(
        "Our import's time includes what the plain load lacks: the staging repository, "
        "svnadmin verify of every revision, the project's creation and Trac's first "
        "read of the history. Its programs run at nice 19 and the idle I/O class "
        "(devjavu/lowpriority.py).")
    return result
