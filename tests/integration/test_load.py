"""Peak hours on loopback: 50 clients for 60 seconds over 20 projects (10 committers
with `svn commit` and `svnmucc`, 25 Trac readers, 5 dashboard users, 10 ticket
creators). Nothing hangs, nothing is lost, nothing piles up, and nothing outlives the
site. The figures are printed; the assertions are about correctness and bounds that only
a hang or a leak would break."""
import collections
import random
import re
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests

from devjavu.accounts import users
from devjavu.models import Role
from devjavu.projects import service
from tests.support.apache import RunningApache, admin
from tests.support.populate import as_run_user, create_projects
from tests.support.processes import alive, processes_naming
from tests.support.sitedir import SiteDir
from tests.support.svnclient import SvnClient
from tests.support.trac import trac_form_post
from tests.support.web import signed_in

pytestmark = pytest.mark.slow

SECONDS = 60
WARM_UP_SECONDS = 15
PROJECTS = [f"load{i:02d}" for i in range(20)]
COMMITTERS, READERS, DASHBOARD_USERS, TICKET_CREATORS = 10, 25, 5, 10
PASSWORD = "load-password-1"
# A request or commit that takes this long is a hang, whatever the load.
HANG_SECONDS = 30
READER_PATHS = ["/timeline", "/browser", "/wiki/WikiStart", "/report/1", "/roadmap", "/query",
                "/search?q=load"]


@dataclass
class Tally:
    """What every client did, each outcome with how long it took."""
    lock: threading.Lock = field(default_factory=threading.Lock)
    http: list = field(default_factory=list)        # (what, status, seconds)
    commits: list = field(default_factory=list)     # (project, path, ok, seconds, error)
    tickets: list = field(default_factory=list)     # (project, number, summary)
    odd: list = field(default_factory=list)         # (what, status, page's title)

    def add(self, kind: str, item) -> None:
        with self.lock:
            getattr(self, kind).append(item)


@pytest.fixture(scope="module")
def load_site():
    sitedir = SiteDir(**{"devjavu.wsgi_threads": "15"})
    admin(sitedir, "migrate")
    admin(sitedir, "user", "add", "owner", "--email", "owner@example.com",
          input=PASSWORD + "\n")
    create_projects(sitedir.ini_path, "owner", PROJECTS)

    def add_people(site):
        with site.unit_of_work() as db:
            for n in range(max(COMMITTERS, TICKET_CREATORS, DASHBOARD_USERS)):
                user = users.add_user(db, f"dev{n}", f"dev{n}@example.com", PASSWORD)
                for name in PROJECTS:
                    service.add_member(db, service.get_project(db, name), user,
                                       Role.DEVELOPER)
    as_run_user(sitedir.ini_path, add_people)
    apache = RunningApache(sitedir)
    try:
        yield sitedir, apache
    finally:
        if apache.process.poll() is None:       # the test stops it itself
            apache.stop()
        sitedir.remove()


def _timed(call):
    started = time.monotonic()
    result = call()
    return result, time.monotonic() - started


def _timed_request(call):
    """(response, status, seconds) of one HTTP exchange. A connection closed without an
    answer is an outcome too (status: the exception's name, response None), counted
    rather than ending the client."""
    try:
        response, seconds = _timed(call)
    except requests.RequestException as error:
        return None, type(error).__name__, 0.0
    return response, response.status_code, seconds


def _committer(n: int, sitedir, deadline: float, tally: Tally) -> None:
    """Alternates `svnmucc put` and `svn commit` of a new file in its own directory."""
    workdir = Path(tempfile.mkdtemp(prefix=f"committer{n}-"))
    svn = SvnClient(sitedir.http_url, workdir)
    user = {"user": f"dev{n}", "password": PASSWORD}
    project = PROJECTS[n % len(PROJECTS)]
    wc = svn.checkout(project, **user)
    count = 0
    while time.monotonic() < deadline:
        count += 1
        path = f"c{n}/file-{count}.txt"
        if count % 2:
            local = workdir / "upload.txt"
            local.write_text(f"{n} {count}\n")
            # The first one makes the committer's directory in the same revision.
            actions = ([] if count > 1 else ["mkdir", svn.url(project, f"c{n}")]) + [
                "put", str(local), svn.url(project, path)]
            result, seconds = _timed(lambda: subprocess.run(
                ["svnmucc", "--non-interactive", "--no-auth-cache", "--config-dir",
                 str(svn.config_dir), "--username", user["user"], "--password-from-stdin",
                 "-m", f"put {path}", *actions],
                input=PASSWORD + "\n", capture_output=True, text=True,
                timeout=HANG_SECONDS * 4))
        else:
            svn.run("update", "-q", str(wc), **user)
            svn.add_file(wc, path, f"{n} {count}\n")
            result, seconds = _timed(lambda: svn.commit(wc, f"commit {path}", check=False,
                                                        **user))
        tally.add("commits", (project, path, result.returncode == 0, seconds,
                              result.stderr.strip()[-300:]))


def _reader(n: int, sitedir, deadline: float, tally: Tally) -> None:
    chooser = random.Random(n)
    session = requests.Session()
    while time.monotonic() < deadline:
        path = f"/{chooser.choice(PROJECTS)}{chooser.choice(READER_PATHS)}"
        response, status, seconds = _timed_request(
            lambda: session.get(sitedir.http_url + path, timeout=HANG_SECONDS * 4))
        tally.add("http", (f"GET {path}", status, seconds))
        if response is not None and status not in (200, 303):
            # What the page said: the reason, when this test fails.
            tally.add("odd", (f"GET {path}", status, " ".join(re.findall(
                r'<(?:title|p class="message")[^>]*>([^<]*)<', response.text))[:300]))


def _dashboard_user(n: int, sitedir, deadline: float, tally: Tally) -> None:
    session = signed_in(sitedir.http_url, f"dev{n}", PASSWORD)
    chooser = random.Random(100 + n)
    while time.monotonic() < deadline:
        path = chooser.choice(["/dashboard", f"/dashboard/{chooser.choice(PROJECTS)}"])
        response, status, seconds = _timed_request(
            lambda: session.get(sitedir.http_url + path, timeout=HANG_SECONDS * 4))
        tally.add("http", (f"GET {path}", status, seconds))
        if response is not None and status not in (200, 303):
            # What the page said: the reason, when this test fails.
            tally.add("odd", (f"GET {path}", status, " ".join(re.findall(
                r'<(?:title|p class="message")[^>]*>([^<]*)<', response.text))[:300]))


def _ticket_creator(n: int, sitedir, deadline: float, tally: Tally) -> None:
    session = requests.Session()
    session.auth = (f"dev{n}", PASSWORD)
    project = PROJECTS[(n * 7) % len(PROJECTS)]
    count = 0
    while time.monotonic() < deadline:
        count += 1
        summary = f"load ticket {n}-{count}"
        response, status, seconds = _timed_request(lambda: trac_form_post(
            session, f"{sitedir.http_url}/{project}/newticket",
            {"field_summary": summary, "field_type": "defect", "submit": "Create ticket"}))
        tally.add("http", (f"POST /{project}/newticket", status, seconds))
        if status == 303:
            number = re.search(r"/ticket/(\d+)", response.headers["Location"]).group(1)
            tally.add("tickets", (project, int(number), summary))


def _site_processes(apache) -> int:
    return len(apache.descendants())


def test_peak_hour_loses_nothing_and_piles_nothing_up(load_site, capsys):
    sitedir, apache = load_site
    tally = Tally()
    deadline = time.monotonic() + SECONDS
    clients = (
        [threading.Thread(target=_committer, args=(n, sitedir, deadline, tally))
         for n in range(COMMITTERS)]
        + [threading.Thread(target=_reader, args=(n, sitedir, deadline, tally))
           for n in range(READERS)]
        + [threading.Thread(target=_dashboard_user, args=(n, sitedir, deadline, tally))
           for n in range(DASHBOARD_USERS)]
        + [threading.Thread(target=_ticket_creator, args=(n, sitedir, deadline, tally))
           for n in range(TICKET_CREATORS)])
    for client in clients:
        client.start()
    time.sleep(WARM_UP_SECONDS)
    processes_warm, rss_warm = _site_processes(apache), apache.daemon_rss_kib()
    samples = [processes_warm]
    while time.monotonic() < deadline:
        time.sleep(5)
        samples.append(_site_processes(apache))
    for client in clients:
        client.join(timeout=HANG_SECONDS * 5)
    assert not any(client.is_alive() for client in clients), "a client hung"
    processes_end, rss_end = _site_processes(apache), apache.daemon_rss_kib()

    commits_ok = [c for c in tally.commits if c[2]]
    statuses = [status for _, status, _ in tally.http]
    timed = [(seconds, what) for what, _, seconds in tally.http] + [
        (c[3], f"commit {c[0]}/{c[1]}") for c in tally.commits]
    slowest = max(seconds for seconds, _ in timed)
    over_5s = sorted(what.split()[0] + " " + what.split()[1].split("/")[-1].split("?")[0]
                     for seconds, what in timed if seconds > 5)
    over_5s = {kind: over_5s.count(kind) for kind in set(over_5s)}
    slowest_three = ", ".join(f"{what} {seconds:.1f} s" for seconds, what in
                              sorted(timed, reverse=True)[:3])
    with capsys.disabled():         # the figures belong in every run's output
        print(f"\nload: {len(tally.commits)} commits ({len(commits_ok)} ok), {len(tally.http)} HTTP "
              f"requests {dict(collections.Counter(statuses))}, {len(tally.tickets)} tickets "
              f"in {SECONDS} s; slowest {slowest_three}; over 5 s: {over_5s}; "
              f"site processes {samples} (warm {processes_warm}, end {processes_end}); daemon "
              f"RSS MB warm {[round(v / 1024) for v in rss_warm.values()]} end "
              f"{[round(v / 1024) for v in rss_end.values()]}")

    failed = [c for c in tally.commits if not c[2]]
    assert failed == [], failed[:5]
    assert commits_ok, "no commit went through"
    unexpected = [(what, status) for what, status, _ in tally.http if status not in (200, 303)]
    assert unexpected == [], ({s: statuses.count(s) for s in set(statuses)}, tally.odd[:5],
                              unexpected[:10], apache.error_lines())
    assert slowest < HANG_SECONDS
    # Nothing lost: every commit a client saw succeed is in its repository, every ticket
    # a client saw created is in its Trac.
    for project in {c[0] for c in commits_ok}:
        tree = subprocess.run(["svnlook", "tree", "--full-paths",
                               str(sitedir.data_dir / "repos" / project)],
                              capture_output=True, text=True, check=True).stdout.split()
        missing = [c[1] for c in commits_ok if c[0] == project and c[1] not in tree]
        assert missing == [], (project, missing[:5])
    for project, number, summary in tally.tickets:
        page = requests.get(f"{sitedir.http_url}/{project}/ticket/{number}", timeout=60)
        assert page.status_code == 200 and summary in page.text
    # Nothing piles up: no process runs for a commit, and the site's process count and
    # its daemons' memory stay within what serving this load needs.
    assert processes_naming(str(sitedir.data_dir / "trac")) == []
    assert processes_end <= max(samples) and max(samples) <= processes_warm + 8
    # Memory is compared with the warmest daemon at warm-up: on a slow machine one daemon
    # may not yet have opened every project's environment 15 s in, and filling its cache
    # is not growth. Growth over time is test_soak's measure.
    warmest = max(rss_warm.values())
    for pid, end in rss_end.items():
        assert end - warmest < 150 * 1024, (pid, rss_warm, rss_end)
    # Nothing outlives the site: 5 s after SIGTERM (what Ctrl-C on `make run` sends),
    # no process of it, or naming its data directory, is left.
    family = apache.descendants()
    apache.process.terminate()
    apache.process.wait(timeout=30)
    time.sleep(5)
    assert [pid for pid in family if alive(pid)] == []
    assert processes_naming(str(sitedir.data_dir)) == []
