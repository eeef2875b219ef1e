"""Target 8: peak hour. Committers (`svn commit` of one new file at a time, one project
each) and Trac readers (the page mix over the same projects) all at once; then the same
load on the bare components: mod_dav_svn with no authentication and Trac's own
trac.wsgi under the same mod_wsgi settings, on copies of the same repositories and
environments. Commit p50/p99 ours against bare under that load, and the readers' page
p99 while the commits run."""
import configparser
import statistics
import subprocess
import threading
import time

from bench.baselines import chown_to_run_user, copy_environment
from bench.fixtures.accounts import PASSWORD, username
from bench.load.http import fetch_all, read_in_turn
from bench.load.svn import Svn, SvnFailed
from bench.oursite import our_apache
from bench.results import Figure, ScenarioResult, ratio_at_most
from bench.rounds import interleaved
from bench.scenarios import Context
from bench.scenarios.trac_mix import PAGES
from bench.servers import running

TITLE = "8. Peak hour: commits and Trac readers at once"
COMMITTERS, READERS = 10, 25


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


class PeakLoad:
    """One contender's servers and clients; `run()` is one round's figures."""

    def __init__(self, name: str, svn_base: str, trac_base: str, projects: list[str],
                 committer_of: dict[str, str | None], workdir, seconds: int):
        self.name, self.svn_base, self.trac_base = name, svn_base, trac_base
        self.projects, self.committer_of = projects, committer_of
        self.workdir, self.seconds = workdir, seconds
        self.copies = {}
        for project in projects:
            user = committer_of[project]
            svn = Svn(workdir, user, PASSWORD) if user else Svn(workdir)
            wc = workdir / f"{name}-{project}-wc"
            svn.run("checkout", "--depth", "empty", f"{svn_base}/svn/{project}", str(wc))
            self.copies[project] = (svn, wc)
        # Not counted: every page once, so that no round pays for opening environments.
        fetch_all(trac_base, self.pages)

    @property
    def pages(self) -> list[str]:
        return [f"/{project}{page}" for project in self.projects for page in PAGES]

    def _commit_loop(self, project: str, deadline: float, out: dict) -> None:
        svn, wc = self.copies[project]
        while time.monotonic() < deadline:
            # One thread per working copy: the clock's nanoseconds name each new file.
            path = wc / f"peak-{time.monotonic_ns()}.txt"
            path.write_text(f"{project} {path.name}\n")
            try:
                svn.run("add", str(path))
                out["commits"].append(svn.run("commit", "-m", f"peak {path.name}", str(wc)))
            except SvnFailed:
                out["errors"] += 1

    def _read_loop(self, number: int, deadline: float, out: dict) -> None:
        read_in_turn(self.trac_base, self.pages, number,
                     lambda: time.monotonic() < deadline, out)

    def run(self) -> dict:
        out = {"commits": [], "pages": [], "errors": 0}
        deadline = time.monotonic() + self.seconds
        threads = [threading.Thread(target=self._commit_loop, args=(p, deadline, out))
                   for p in self.projects] + [
            threading.Thread(target=self._read_loop, args=(n, deadline, out))
            for n in range(READERS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return out

    def __call__(self) -> dict:
        return self.run()


def _bare_copies(context: Context, projects: list[str]):
    """Hot copies of the repositories, and copies of the environments pointing at them."""
    repos = context.workspace.directory("bare/peak-repos")
    envs = context.workspace.directory("bare/peak-envs")
    for project in projects:
        subprocess.run(["svnadmin", "hotcopy",
                        str(context.main.settings.repository_path(project)),
                        str(repos / project)], check=True, capture_output=True)
        chown_to_run_user(repos / project, context.main.settings)
        env = copy_environment(context.main.settings.trac_env_path(project), envs / project,
                               context.baselines.shared_ini, context.main.settings)
        conf = env / "conf" / "trac.ini"
        parser = configparser.RawConfigParser()
        parser.optionxform = str
        parser.read(conf)
        parser.set("repositories", ".dir", str(repos / project))
        with open(conf, "w") as f:
            parser.write(f)
    return repos, envs


def run(context: Context) -> ScenarioResult:
    main, plan, log = context.main, context.plan, context.log
    projects = main.content_projects[:COMMITTERS]
    # Each project's owner commits to it on ours: the fixture made user j % active_users
    # the owner of project j.
    owners = {p: username(main.projects.index(p) % len(main.active_users)) for p in projects}
    workdir = context.workspace.directory("peak-work")
    repos, envs = _bare_copies(context, projects)
    ours = our_apache("ours-peak", main.site, context.workspace)
    bare_svn = context.baselines.svn_without_auth("bare-peak-svn", repos)
    bare_trac = context.baselines.trac_wsgi("bare-peak-trac", "TRAC_ENV_PARENT_DIR", envs)
    result = ScenarioResult(TITLE)
    with running(ours, bare_svn, bare_trac):
        contenders = {
            "ours": PeakLoad("ours", ours.url, ours.url, projects, owners, workdir,
                             plan.peak_seconds),
            "bare": PeakLoad("bare", bare_svn.url, bare_trac.url, projects,
                             dict.fromkeys(projects), workdir, plan.peak_seconds)}
        rounds = interleaved(plan.rounds, contenders, None)
    for share, label in ((0.5, "p50"), (0.99, "p99")):
        result.figures.append(Figure(
            TITLE, f"commit {label}, {COMMITTERS} committers and {READERS} Trac readers "
            f"at once", "s", [percentile(r["commits"], share) for r in rounds["ours"]],
            [percentile(r["commits"], share) for r in rounds["bare"]],
            "mod_dav_svn, no authentication, same load", ratio_at_most(1.5)))
    result.figures.append(Figure(
        TITLE, "Trac page p99 for readers while commits run", "s",
        [percentile(r["pages"], 0.99) for r in rounds["ours"]],
        [percentile(r["pages"], 0.99) for r in rounds["bare"]],
        "Trac 1.6 trac.wsgi, same mod_wsgi settings, same load"))
    for name, results in rounds.items():
        commits = [len(r["commits"]) for r in results]
        pages = [len(r["pages"]) for r in results]
        page_p50 = statistics.median(percentile(r["pages"], 0.5) for r in results)
        log(f"peak hour {name}: commits {commits}, pages {pages}")
        result.notes.append(
            f"{name}: per round of {plan.peak_seconds} s, {statistics.median(commits):.0f} "
            f"commits and {statistics.median(pages):.0f} pages (median; page p50 "
            f"{1000 * page_p50:.0f} ms), errors {[r['errors'] for r in results]}.")
    result.notes.append(
        "Bare Trac has no post-commit hook and Trac 1.6 no per-request sync, so its pages "
        "never learn of the commits; ours sync on read (dispatch/revisions.py): the "
        "readers' pages on ours include that work.")
    return result
