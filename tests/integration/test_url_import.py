"""Importing a project's history from a live repository URL (svnsync), through the real
Apache, its job runner (the devjavu-jobs daemon), svnserve and the svn client."""
import os
import re
import signal
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.integration.conftest import PASSWORDS
from tests.support.processes import alive
from tests.support.sourcerepo import (log_of, make_history, require_password, stop,
                                      svnserve, youngest)
from tests.support.trac import trac_shows_changeset
from tests.support.web import post_form, signed_in

ALICE = {"user": "alice", "password": PASSWORDS["alice"]}
SOURCE_USER, SOURCE_PASSWORD = "importer", "Sourcepass-7q2x"


@pytest.fixture(scope="module")
def sources(tmp_path_factory):
    """Source repositories: plain (50 revisions), long (150) and locked (50, a password
    needed to read). Each test serves them with its own svnserve."""
    root = tmp_path_factory.mktemp("sources")
    os.chmod(root, 0o755)
    make_history(root / "plain", 50)
    make_history(root / "long", 150)
    make_history(root / "locked", 50)
    require_password(root / "locked", SOURCE_USER, SOURCE_PASSWORD)
    return root


@pytest.fixture
def alice_web(running_site):
    return signed_in(running_site.http_url, "alice", PASSWORDS["alice"])


def _start_import(session, running_site, name, url, **fields):
    response = post_form(session, running_site.http_url, "/dashboard/new", "/dashboard/new",
                         name=name, description="", visibility="public", import_url=url,
                         **fields)
    assert response.status_code == 200 and urlsplit(response.url).path == \
        f"/dashboard/{name}", response.text[-3000:]
    return response


def _import_state(session, running_site, name) -> tuple[str, int, int]:
    """(state, revisions done, total) as the project page shows them; ("done", -1, -1)
    once the page shows no import."""
    page = session.get(f"{running_site.http_url}/dashboard/{name}").text
    if 'id="import"' not in page:
        return "done", -1, -1
    section = page.split('id="import"', 1)[1].split("</section>", 1)[0]
    state = re.search(r'data-state="(\w+)"', section).group(1)
    done, total = re.search(r"(\d+) of (\d+)", section).groups()
    return state, int(done), int(total)


def _import_section(page: str) -> str:
    section = page.split('id="import"', 1)[-1].split("</section>", 1)[0]
    return " ".join(re.sub(r"<[^>]*>", " ", section).split())


def _wait_for(session, running_site, name, until, timeout=120.0):
    deadline = time.monotonic() + timeout
    while True:
        state = _import_state(session, running_site, name)
        if until(state):
            return state
        assert time.monotonic() < deadline, (
            f"the import of {name} is still {state}: "
            + _import_section(session.get(f"{running_site.http_url}/dashboard/{name}").text))
        time.sleep(0.1)


def _commit(svn, project, path):
    return svn.run("mkdir", "-m", "a change", svn.url(project, path), check=False, **ALICE)


def _assert_same_history(running_site, svn, source: Path, name: str):
    assert log_of(svn.url(name)) == log_of(source.as_uri())
    for revision in range(1, youngest(source) + 1):
        assert trac_shows_changeset(running_site.http_url, name, revision), revision


def _command_lines(pids=None) -> dict[int, bytes]:
    """{pid: its command line} of `pids` (default: every process)."""
    lines = {}
    for pid in pids if pids is not None else map(int, filter(str.isdigit,
                                                             os.listdir("/proc"))):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                lines[pid] = f.read()
        except OSError:
            continue
    return lines


def _jobs_daemons(running_site) -> set[int]:
    return {pid for pid, line in _command_lines(running_site.apache.descendants()).items()
            if line.startswith(b"devjavu-jobs")}


def test_dashboard_import_is_read_only_until_done_and_resumes_after_a_failure(
        running_site, svn, sources, alice_web):
    with svnserve(sources) as (port, server):
        _start_import(alice_web, running_site, "imp-dash", f"svn://127.0.0.1:{port}/plain")
        stop(server)                  # the source goes away: the import stops part-way
    state, done, total = _wait_for(alice_web, running_site, "imp-dash",
                                   lambda s: s[0] == "failed")
    assert total == 50 and done < 50
    assert "Retry the import" in alice_web.get(
        f"{running_site.http_url}/dashboard/imp-dash").text
    refused = _commit(svn, "imp-dash", "early")
    assert refused.returncode != 0 and "forbidden" in refused.stderr.lower()

    with svnserve(sources, port):     # back on the same address: retry carries on
        response = post_form(alice_web, running_site.http_url, "/dashboard/imp-dash",
                             "/dashboard/imp-dash/import/retry")
        assert response.status_code == 200
        _wait_for(alice_web, running_site, "imp-dash", lambda s: s[0] == "done")
    _assert_same_history(running_site, svn, sources / "plain", "imp-dash")
    assert _commit(svn, "imp-dash", "late").returncode == 0
    assert svn.youngest("imp-dash", **ALICE) == 51


def test_a_killed_runner_comes_back_and_finishes_the_import(running_site, svn, sources,
                                                            alice_web):
    with svnserve(sources) as (port, server):
        _start_import(alice_web, running_site, "imp-kill", f"svn://127.0.0.1:{port}/long")
        _wait_for(alice_web, running_site, "imp-kill", lambda s: s[1] > 0)
        os.killpg(server.pid, signal.SIGSTOP)       # hold the copy where it is
        try:
            state, done, total = _import_state(alice_web, running_site, "imp-kill")
            assert state == "running" and 0 < done < total == 150
            runners = _jobs_daemons(running_site)
            assert len(runners) == 1
            svnsyncs = _processes_named(b"svnsync")
            assert svnsyncs
            for pid in runners:
                os.kill(pid, signal.SIGKILL)
        finally:
            os.killpg(server.pid, signal.SIGCONT)
        deadline = time.monotonic() + 30
        while not (_jobs_daemons(running_site) - runners):
            assert time.monotonic() < deadline, "mod_wsgi did not start the runner again"
            time.sleep(0.1)
        # The killed runner's svnsync died with it: no second copy races the new one.
        assert not [pid for pid in svnsyncs if alive(pid)]
        _wait_for(alice_web, running_site, "imp-kill", lambda s: s[0] == "done")
    _assert_same_history(running_site, svn, sources / "long", "imp-kill")
    assert _commit(svn, "imp-kill", "late").returncode == 0


def _processes_named(name: bytes) -> list[int]:
    return [pid for pid, line in _command_lines().items() if name in line.split(b"\0")[0]]


def _files_holding(directory: Path, secret: bytes) -> list[Path]:
    found = []
    for dirpath, _, filenames in os.walk(directory):
        for filename in filenames:
            path = Path(dirpath, filename)
            try:
                if not path.is_symlink() and secret in path.read_bytes():
                    found.append(path)
            except OSError:
                continue
    return found


def test_a_source_with_a_password_imports_without_the_password_showing_or_staying(
        running_site, svn, sources, alice_web):
    secret = SOURCE_PASSWORD.encode()
    with svnserve(sources) as (port, _):
        url = f"svn://127.0.0.1:{port}/locked"
        # Without the password the source cannot be read: refused, nothing created.
        response = post_form(alice_web, running_site.http_url, "/dashboard/new",
                             "/dashboard/new", name="imp-nopass", visibility="public",
                             import_url=url)
        assert response.status_code == 400 and "cannot be read" in response.text
        assert alice_web.get(f"{running_site.http_url}/dashboard/imp-nopass"
                             ).status_code == 404

        seen = []
        _start_import(alice_web, running_site, "imp-pass", url,
                      import_username=SOURCE_USER, import_password=SOURCE_PASSWORD)
        deadline = time.monotonic() + 120
        while _import_state(alice_web, running_site, "imp-pass")[0] != "done":
            seen += [line for line in _command_lines().values() if secret in line]
            assert time.monotonic() < deadline
        assert not seen, seen
    _assert_same_history(running_site, svn, sources / "locked", "imp-pass")
    data_dir = running_site.dir.data_dir
    assert _files_holding(data_dir, secret) == []          # the database included
    assert list((data_dir / "run" / "imports").iterdir()) == []


def test_the_cli_imports_over_http_and_svn(running_site, svn, sources):
    # Over http: the site's own public project (loopback is allowed in the tests' ini).
    wc = svn.checkout("pub", **ALICE)
    svn.add_file(wc, "cli-import/a.txt", "a\n")
    svn.commit(wc, "for the import over http", **ALICE)
    result = running_site.admin("project", "import", "imp-http", "--owner", "alice",
                                "--url", svn.url("pub"))
    assert "Imported" in result.stdout
    assert log_of(svn.url("imp-http")) == log_of(svn.url("pub"))

    with svnserve(sources) as (port, _):
        result = running_site.admin("project", "import", "imp-cli", "--owner", "alice",
                                    "--private", "--username", SOURCE_USER,
                                    "--url", f"svn://127.0.0.1:{port}/locked",
                                    input=SOURCE_PASSWORD + "\n")
    assert "Imported 50 revisions into imp-cli" in result.stdout
    assert (log_of(f"file://{running_site.dir.data_dir}/repos/imp-cli")
            == log_of((sources / "locked").as_uri()))
    assert trac_shows_changeset(running_site.http_url, "imp-cli", 50,
                                auth=("alice", PASSWORDS["alice"]))
    assert _commit(svn, "imp-cli", "late").returncode == 0


def test_a_password_lost_with_its_runner_is_asked_for_again(running_site, svn, sources,
                                                             alice_web):
    """The runner keeps a source's password only in memory: killed mid-copy, the job
    waits for its owner, who gives the password again on the page; nothing kept it."""
    with svnserve(sources) as (port, server):
        _start_import(alice_web, running_site, "imp-lost", f"svn://127.0.0.1:{port}/locked",
                      import_username=SOURCE_USER, import_password=SOURCE_PASSWORD)
        _wait_for(alice_web, running_site, "imp-lost", lambda s: s[1] > 0)
        os.killpg(server.pid, signal.SIGSTOP)
        try:
            runners = _jobs_daemons(running_site)
            for pid in runners:
                os.kill(pid, signal.SIGKILL)
        finally:
            os.killpg(server.pid, signal.SIGCONT)
        state, done, total = _wait_for(alice_web, running_site, "imp-lost",
                                       lambda s: s[0] == "waiting")
        assert 0 < done < total == 50
        page = alice_web.get(f"{running_site.http_url}/dashboard/imp-lost").text
        assert f"The password for {SOURCE_USER} is needed again" in page
        data_dir = running_site.dir.data_dir
        assert _files_holding(data_dir, SOURCE_PASSWORD.encode()) == []
        # Still read-only while it waits.
        assert _commit(svn, "imp-lost", "early").returncode != 0

        # A retry without the password is refused; with it, the import carries on.
        refused = post_form(alice_web, running_site.http_url, "/dashboard/imp-lost",
                            "/dashboard/imp-lost/import/retry")
        assert "Give the source's password again" in refused.text
        post_form(alice_web, running_site.http_url, "/dashboard/imp-lost",
                  "/dashboard/imp-lost/import/retry", password=SOURCE_PASSWORD)
        _wait_for(alice_web, running_site, "imp-lost", lambda s: s[0] == "done")
    _assert_same_history(running_site, svn, sources / "locked", "imp-lost")
    assert _files_holding(running_site.dir.data_dir, SOURCE_PASSWORD.encode()) == []
