"""Target 3: `svn checkout` of the big tree and a commit of many files with our
authentication and access control, against mod_dav_svn with no authentication."""
import os
import shutil
import subprocess
import time

from bench.baselines import chown_to_run_user
from bench.fixtures.accounts import PASSWORD
from bench.fixtures.mainsite import PRIVATE_PROJECT, SVN_USER
from bench.load.accesslog import AccessLog
from bench.load.svn import Svn, SvnFailed
from bench.oursite import our_apache
from bench.results import Figure, ScenarioResult, ratio_at_most
from bench.rounds import interleaved
from bench.scenarios import Context
from bench.servers import running

TITLE = "3. Subversion over HTTP: checkout and commit"
FILE_SIZE = 10_000
# Apache's worker processes keep the binary's name; our mod_wsgi daemons are renamed.
APACHE_WORKER = "/usr/sbin/apache2"
# The configs differ only there: no hook of ours runs at a commit.
AUTH_DIFFERENCE = ("Every request of ours passes authentication (the wsgi auth provider, "
                   "apachechild/svnauth.py) and mod_authz_svn; a client's first request gets "
                   "the 401 challenge.")
# Apache writes a request's log line after the response; wait for it before reading.
LOG_SETTLE_SECONDS = 0.3


def bare_repository_copy(context: Context):
    """A hot copy of the private project's repository."""
    repos = context.workspace.directory("bare/repos")
    dest = repos / PRIVATE_PROJECT
    subprocess.run(["svnadmin", "hotcopy",
                    str(context.main.settings.repository_path(PRIVATE_PROJECT)), str(dest)],
                   check=True, capture_output=True)
    chown_to_run_user(dest, context.main.settings)
    return repos


class SvnContender:
    """Checkouts into fresh directories and commits of new files from one working copy,
    each with the traffic it caused in the server's access log."""

    def __init__(self, name: str, url: str, svn: Svn, workdir, commit_files: int,
                 access_log: AccessLog):
        self.name = name
        self.url = url
        self.svn = svn
        self.workdir = workdir
        self.commit_files = commit_files
        self.access_log = access_log
        self.commit_wc = workdir / f"{name}-commit-wc"
        svn.run("checkout", "--depth", "empty", url, str(self.commit_wc))
        self.commits = 0
        self.traffic = {"checkout": [], "commit": []}

    def _logged(self, operation: str, action) -> float:
        mark = self.access_log.mark()
        seconds = action()
        time.sleep(LOG_SETTLE_SECONDS)
        self.traffic[operation].append(self.access_log.since(mark))
        return seconds

    def checkout(self) -> float:
        wc = self.workdir / f"{self.name}-checkout"
        try:
            return self._logged("checkout", lambda: self.svn.run("checkout", self.url, str(wc)))
        finally:
            shutil.rmtree(wc, ignore_errors=True)

    def commit(self) -> float:
        self.commits += 1
        directory = self.commit_wc / f"commit{self.commits:02d}"
        directory.mkdir()
        for index in range(self.commit_files):
            line = f"commit {self.commits} file {index} " + os.urandom(16).hex() + "\n"
            (directory / f"new{index:03d}.txt").write_text(line * (FILE_SIZE // len(line)))
        self.svn.run("add", str(directory))
        return self._logged("commit", lambda: self.svn.run(
            "commit", "-m", f"Benchmark commit {self.commits}", str(self.commit_wc)))

    def slowest(self, operation: str, times: list[float]) -> str:
        index = max(range(len(times)), key=times.__getitem__)
        return f"{times[index]:.2f} s: {self.traffic[operation][index].describe()}"

    def slowest_requests(self, operation: str, rounds: int) -> str:
        """The slowest request of each of the first `rounds`, in order: where the time
        went."""
        return ", ".join(f"{t.slowest_ms:.0f} ms ({t.slowest.split()[0]})"
                         for t in self.traffic[operation][:rounds])


def profile_workers(context: Context, ours, contender: SvnContender):
    """(profile, commits): py-spy on every Apache worker process of ours (where the auth
    provider's Python runs) while commits follow one another; None without a profiler."""
    if context.profiler is None:
        return None
    before = len(contender.traffic["commit"])

    def commit_for(seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            contender.commit()

    profile = context.profiler.profile("our Apache workers during commits", ours,
                                       APACHE_WORKER, commit_for, every_process=True)
    return profile, len(contender.traffic["commit"]) - before


def worker_text(count: int) -> str:
    return (f"Ours ran {count} Apache worker processes, each loading the auth provider "
            f"(svnauth.wsgi and the devjavu package) as it starts (WSGIImportScript) and "
            f"keeping its own memory of verified passwords (accounts/credentials.py): an "
            f"operation whose connection lands on a worker that has not verified this "
            f"password yet pays one argon2id verification in its first authenticated "
            f"request.")


def workers_text(workers) -> str:
    if workers is None or not workers[0].total or not workers[1]:
        return ""
    profile, commits = workers
    return (f"py-spy on our Apache worker processes over {commits} more commits: Python "
            f"(the auth provider) held the GIL {1000 * profile.python_seconds / commits:.0f} "
            f"ms per commit, {100 * profile.share('_find_and_load (<frozen'):.0f}% of it "
            f"importing modules; {profile.our_code(3)}.")


def check_private(url: str, workdir) -> None:
    """The project is private: an anonymous client is refused, so every request of ours
    goes through authentication and access control."""
    try:
        Svn(workdir).run("info", url)
    except SvnFailed:
        return
    raise AssertionError(f"{url} answered an anonymous client")


def run(context: Context) -> ScenarioResult:
    main, plan, log = context.main, context.plan, context.log
    workdir = context.workspace.directory("svn-work")
    ours = our_apache("ours", main.site, context.workspace)
    bare = context.baselines.svn_without_auth("bare-svn", bare_repository_copy(context))
    result = ScenarioResult(TITLE)
    path = f"/svn/{PRIVATE_PROJECT}/trunk"
    with running(ours, bare):
        check_private(ours.url + path, workdir)
        contenders = {
            "ours": SvnContender("ours", ours.url + path, Svn(workdir, SVN_USER, PASSWORD),
                                 workdir, plan.commit_files,
                                 AccessLog(main.settings.log_dir / "access.log")),
            "bare": SvnContender("bare", bare.url + path, Svn(workdir), workdir,
                                 plan.commit_files,
                                 AccessLog(context.workspace.root / "logs" /
                                           "bare-svn.access.log")),
        }
        # Not counted: the first checkout warms the OS cache and our workers' caches.
        for contender in contenders.values():
            contender.checkout()
            contender.traffic["checkout"].clear()
        checkouts = interleaved(plan.rounds, {n: c.checkout for n, c in contenders.items()},
                                log)
        commits = interleaved(plan.rounds, {n: c.commit for n, c in contenders.items()}, log)
        last_round = {n: (c.traffic["checkout"][-1], c.traffic["commit"][-1])
                      for n, c in contenders.items()}
        workers = profile_workers(context, ours, contenders["ours"])
        worker_count = len(ours.processes_named(APACHE_WORKER))
    ours_svn, bare_svn = contenders["ours"], contenders["bare"]
    checkout = Figure(TITLE, f"`svn checkout` of {plan.tree_files} files of 10 KB", "s",
                      checkouts["ours"], checkouts["bare"],
                      "mod_dav_svn, no authentication", ratio_at_most(1.15))
    commit = Figure(TITLE, f"`svn commit` of {plan.commit_files} new files of 10 KB", "s",
                    commits["ours"], commits["bare"], "mod_dav_svn, no authentication",
                    ratio_at_most(1.3))
    if checkout.met() is False:
        checkout.limits = (
            f"our slowest checkout {ours_svn.slowest('checkout', checkouts['ours'])}; the "
            f"baseline's slowest {bare_svn.slowest('checkout', checkouts['bare'])}. The "
            f"slowest request of each of our checkouts: "
            f"{ours_svn.slowest_requests('checkout', plan.rounds)}; of the baseline's: "
            f"{bare_svn.slowest_requests('checkout', plan.rounds)}. {AUTH_DIFFERENCE} "
            f"{worker_text(worker_count)}")
    if commit.met() is False:
        commit.limits = (
            f"our slowest commit {ours_svn.slowest('commit', commits['ours'])}; the "
            f"baseline's slowest {bare_svn.slowest('commit', commits['bare'])}. The slowest "
            f"request of each of our commits: "
            f"{ours_svn.slowest_requests('commit', plan.rounds)}. "
            f"{AUTH_DIFFERENCE} {worker_text(worker_count)} "
            f"{workers_text(workers)}")
    result.figures += [checkout, commit]
    for name, (checkout_traffic, commit_traffic) in last_round.items():
        result.notes.append(f"{name}: a checkout made {checkout_traffic.describe()}; a "
                            f"commit made {commit_traffic.describe()}.")
    if workers is not None:
        result.notes.append(workers[0].summary())
    return result
