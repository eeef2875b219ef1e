"""An Apache child that ends uncleanly (SIGKILL, a crash) leaves its record behind; the
health check then verifies the newest revisions of the repositories changed since it
started, reports a repository that fails with the way to recover, and stops reporting
it once it passes again. An orderly stop leaves no record."""
import os
import signal
import subprocess
import time

import pytest

from devjavu.settings import load_settings
from devjavu.svn import childwatch
from tests.support.apache import admin, site_with_one_project
from tests.support.processes import apache_children
from tests.support.svnclient import SvnClient

PROJECT = "steady"
USER, PASSWORD = "keeper", "keeper-secret-1"


@pytest.fixture()
def running_site(tmp_path):
    with site_with_one_project(PROJECT, USER, PASSWORD) as (sitedir, apache):
        yield sitedir, apache, SvnClient(sitedir.http_url, tmp_path)


def _commit(svn: SvnClient, name: str) -> None:
    svn.run("mkdir", "-m", f"make {name}", svn.url(PROJECT, name), user=USER,
            password=PASSWORD)


def _records(sitedir) -> list[str]:
    directory = sitedir.data_dir / "children"
    return sorted(os.listdir(directory)) if directory.exists() else []


def _recorded_pids(sitedir) -> set[int]:
    return {int(name.split("-")[0]) for name in _records(sitedir)}


def _wait_for_unclean_ends(settings) -> None:
    """A killed process takes a moment to be gone."""
    deadline = time.monotonic() + 30
    while not childwatch.unclean_ends(settings) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert childwatch.unclean_ends(settings)


def _check(sitedir) -> subprocess.CompletedProcess:
    return admin(sitedir, "check", check=False)


def test_every_child_leaves_a_record_and_an_orderly_stop_removes_them(running_site):
    sitedir, apache, svn = running_site
    _commit(svn, "trunk")
    children = set(apache_children(apache.process.pid))
    deadline = time.monotonic() + 30           # each child imports our code as it starts
    while not children <= _recorded_pids(sitedir) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert children and children <= _recorded_pids(sitedir)
    assert apache.stop() == set()
    assert _records(sitedir) == []


def test_a_killed_child_gets_its_repositories_verified(running_site):
    sitedir, apache, svn = running_site
    for name in ("trunk", "branches", "tags"):
        _commit(svn, name)
    settings = load_settings(sitedir.ini_path)
    assert childwatch.unclean_ends(settings) == []
    # Corrupt the newest revision as a torn write would, then kill the children.
    revision_file = sitedir.data_dir / "repos" / PROJECT / "db" / "revs" / "0" / "3"
    good = revision_file.read_bytes()
    revision_file.write_bytes(good[:20] + b"X" * 40 + good[60:])
    for pid in apache_children(apache.process.pid):
        os.kill(pid, signal.SIGKILL)
    _wait_for_unclean_ends(settings)

    failing = _check(sitedir)
    assert failing.returncode == 1
    line = next(line for line in failing.stdout.splitlines() if " repositories:" in line)
    assert line.startswith("FAIL") and f"{PROJECT} fails svnadmin verify on r" in line
    assert "A repository fails verification" in line
    assert childwatch.unclean_ends(settings) == []          # consumed once
    # The operator repairs it (README); the next check finds it passing and says so.
    revision_file.write_bytes(good)
    passing = _check(sitedir)
    assert "ok   repositories: no repository failed verification" in passing.stdout
    assert childwatch.recorded_failures(settings) == []


def test_a_site_killed_whole_is_verified_at_the_next_start(running_site):
    sitedir, apache, svn = running_site
    _commit(svn, "trunk")
    os.killpg(apache.process.pid, signal.SIGKILL)
    apache.process.wait()
    settings = load_settings(sitedir.ini_path)
    _wait_for_unclean_ends(settings)
    admin(sitedir, "migrate")          # what every start runs first
    assert childwatch.unclean_ends(settings) == []
    assert childwatch.recorded_failures(settings) == []
