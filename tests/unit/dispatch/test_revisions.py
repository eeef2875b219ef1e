"""Trac's cache follows the repository on read: one sync for any number of commits."""
import subprocess

import pytest
from trac.env import Environment
from trac.versioncontrol.api import RepositoryManager

from devjavu.accounts import users
from devjavu.dispatch import revisions
from devjavu.dispatch.revisions import RevisionFollower
from devjavu.svn.fsfs import youngest_on_disk
from devjavu.projects import service


@pytest.fixture
def demo(site, make_user):
    make_user("olga")
    with site.unit_of_work() as db:
        service.create_project(db, site.settings, "demo", users.get_user(db, "olga"))
    env = Environment(str(site.settings.trac_env_path("demo")))
    yield site.settings.repository_path("demo"), env
    env.shutdown()


def _commit(repository, count):
    for n in range(count):
        subprocess.run(["svnmucc", "-m", f"commit {n}", "mkdir",
                        f"file://{repository}/dir-{youngest_on_disk(repository)}"],
                       check=True, capture_output=True)


def _cached(env) -> int:
    return RepositoryManager(env).get_repository("").youngest_rev


def test_commits_reach_trac_with_one_sync(demo, monkeypatch):
    repository, env = demo
    follower = RevisionFollower()
    syncs = []
    real_sync = follower._sync
    monkeypatch.setattr(follower, "_sync", lambda env: syncs.append(1) or real_sync(env))
    follower.catch_up(env, repository)
    assert syncs == [1] and _cached(env) == 0
    _commit(repository, 4)
    for _ in range(3):                  # three page views after four commits
        follower.catch_up(env, repository)
    assert syncs == [1, 1] and _cached(env) == 4


def test_a_failing_sync_is_logged_and_tried_again(demo, monkeypatch, caplog):
    repository, env = demo
    _commit(repository, 1)
    follower = RevisionFollower()

    def broken(env):
        raise revisions.TracError("database is locked")
    monkeypatch.setattr(RepositoryManager, "get_repository", lambda self, name: broken(env))
    follower.catch_up(env, repository)
    assert "could not sync its repository: database is locked" in caplog.text
    monkeypatch.undo()
    follower.catch_up(env, repository)
    assert _cached(env) == 1


def test_youngest_on_disk_reads_fsfs_current(demo, tmp_path):
    repository, _ = demo
    assert youngest_on_disk(repository) == 0
    _commit(repository, 2)
    assert youngest_on_disk(repository) == 2
    assert youngest_on_disk(tmp_path) is None

