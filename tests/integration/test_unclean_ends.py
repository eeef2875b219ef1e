"""An Apache child that ends uncleanly (SIGKILL, a crash) leaves its record behind; the
health check then verifies the newest revisions of the repositories changed since it
started, reports a repository that fails with the way to recover, and stops reporting
it once it passes again. An orderly stop leaves no record. A child killed half-way
through writing a revision does not lock its repository."""
import os
import signal
import subprocess
import threading
import time

import pytest

from devjavu.settings import load_settings
from devjavu.svn import childwatch
from devjavu.svn.fsfs import youngest_on_disk
from tests.support.apache import admin, site_with_one_project
from tests.support.halfcommit import holding_half_way, wait_until_read_only
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


def test_a_child_killed_half_way_through_a_commit_does_not_lock_the_repository(running_site):
    sitedir, apache, svn = running_site
    _commit(svn, "trunk")
    repository = sitedir.data_dir / "repos" / PROJECT
    children = apache_children(apache.process.pid)
    answers = []
    with holding_half_way(repository, children) as revprops:
        client = threading.Thread(target=lambda: answers.append(svn.run(
            "mkdir", "-m", "killed", svn.url(PROJECT, "branches"), user=USER,
            password=PASSWORD, check=False)))
        client.start()
        wait_until_read_only(revprops)
        for pid in children:
            os.kill(pid, signal.SIGKILL)
    client.join()       # strace gone: a traced child dies only once its tracer lets go
    assert answers[0].returncode != 0
    assert youngest_on_disk(repository) == 1 and revprops.exists()
    # Subversion alone would refuse every commit from here on ("Permission denied" on
    # that file); the job runner's process repairs it within seconds, no one asking.
    deadline = time.monotonic() + 60
    while (answer := svn.run("mkdir", "-m", "after", svn.url(PROJECT, "tags"), user=USER,
                             password=PASSWORD, check=False)).returncode != 0:
        assert time.monotonic() < deadline, answer.stderr
        time.sleep(1)
    assert youngest_on_disk(repository) == 2
    verify = subprocess.run(["svnadmin", "verify", "-q", str(repository)],
                            capture_output=True, text=True)
    assert verify.returncode == 0, verify.stderr
