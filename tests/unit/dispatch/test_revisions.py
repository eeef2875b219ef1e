"""Trac's cache follows the repository on read: one sync for any number of commits."""
import subprocess
from concurrent.futures import ThreadPoolExecutor
import sys

import pytest
from trac.env import Environment
from trac.versioncontrol.api import RepositoryManager
from trac.versioncontrol.cache import CachedRepository

from devjavu.accounts import users
from devjavu.dispatch import revisions
from devjavu.dispatch.revisions import READ_KEY, RevisionFollower
from devjavu.svn.fsfs import youngest_on_disk
from devjavu.svn.repository import REVPROPS_CHANGED
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



def _message_in_trac(env, revision) -> str:
    return RepositoryManager(env).get_repository("").get_changeset(revision).message


def _set_message(repository, revision, message):
    subprocess.run(["svnadmin", "setlog", "--bypass-hooks", "-r", str(revision),
                    str(repository), "/dev/stdin"], input=message.encode(), check=True)


def _fix_message(repository, revision, message):
    """What a fix over HTTP does: the message changes, then post-revprop-change runs."""
    _set_message(repository, revision, message)
    with (repository / REVPROPS_CHANGED).open("a") as lines:
        lines.write(f"{revision}\n")


def _following(demo, commits: int) -> RevisionFollower:
    """A follower that has brought Trac to the demo repository after `commits`."""
    repository, env = demo
    _commit(repository, commits)
    follower = RevisionFollower()
    follower.catch_up(env, repository)
    return follower


def _read_mark(env) -> str:
    return env.db_query("SELECT value FROM system WHERE name=%s", (READ_KEY,))[0][0]


def test_a_fixed_message_is_read_again_by_one_process_for_all(demo, monkeypatch):
    repository, env = demo
    follower = _following(demo, 2)
    assert _message_in_trac(env, 1) == "commit 0"
    _fix_message(repository, 1, "first, fixed")
    _fix_message(repository, 2, "second, fixed")
    RevisionFollower().catch_up(env, repository)        # another process sees it first
    assert [_message_in_trac(env, r) for r in (1, 2)] == ["first, fixed", "second, fixed"]
    # This process finds the lines read, and from then on only looks at the file's size.
    reads = []
    real_read = revisions._read_fixed_messages
    monkeypatch.setattr(revisions, "_read_fixed_messages",
                        lambda *args: reads.append(args) or real_read(*args))
    follower.catch_up(env, repository)
    follower.catch_up(env, repository)
    assert len(reads) == 1
    assert _read_mark(env).endswith(" 4")


def test_a_second_and_third_fix_of_one_revision_show(demo):
    """Trac's Subversion repository, kept open by the process, hands back the message
    as it is now, not as it first read it."""
    repository, env = demo
    follower = _following(demo, 1)
    for message in ("once", "twice", "three times"):
        _fix_message(repository, 1, message)
        follower.catch_up(env, repository)
        assert _message_in_trac(env, 1) == message


def test_a_restored_shorter_file_is_read_from_its_start(demo):
    repository, env = demo
    follower = _following(demo, 2)
    _fix_message(repository, 1, "fixed")
    _fix_message(repository, 2, "fixed too")
    follower.catch_up(env, repository)
    _set_message(repository, 2, "restored")
    (repository / REVPROPS_CHANGED).write_text("2\n")   # shorter than what was read
    follower.catch_up(env, repository)
    assert _message_in_trac(env, 2) == "restored"
    assert _read_mark(env).endswith(" 2")


def test_another_file_of_the_same_size_is_read_from_its_start(demo):
    """A restore brings a new file (another inode), maybe as long as the old one."""
    repository, env = demo
    follower = _following(demo, 2)
    _fix_message(repository, 1, "fixed")
    follower.catch_up(env, repository)
    _set_message(repository, 2, "restored")
    changes = repository / REVPROPS_CHANGED
    replacement = repository / "replacement"
    replacement.write_text("2\n")
    replacement.replace(changes)
    follower.catch_up(env, repository)
    assert _message_in_trac(env, 2) == "restored"


def test_a_revision_not_yet_cached_waits_for_the_sync(demo):
    """The race that stalled Trac: a fix of a revision committed just before, read
    while another process syncs it. The line stays unread, nothing is inserted ahead of
    the sync, and the sync after it is not stopped."""
    repository, env = demo
    follower = RevisionFollower()
    follower.catch_up(env, repository)
    _commit(repository, 1)
    _fix_message(repository, 1, "fixed before Trac saw it")
    follower._follow_fixed_messages(env, repository)    # as if the sync were elsewhere
    assert _cached(env) == 0
    assert not env.db_query("SELECT rev FROM revision WHERE rev=%s",
                            (RepositoryManager(env).get_repository("").db_rev(1),))
    assert _read_mark(env).endswith(" 0")
    follower.catch_up(env, repository)
    assert _cached(env) == 1 and _message_in_trac(env, 1) == "fixed before Trac saw it"
    _commit(repository, 1)
    follower.catch_up(env, repository)
    assert _cached(env) == 2


def test_lines_naming_no_revision_are_passed_over(demo):
    repository, env = demo
    follower = _following(demo, 1)
    (repository / REVPROPS_CHANGED).write_text("junk\n99\n")
    _fix_message(repository, 1, "fixed")
    follower.catch_up(env, repository)
    assert _message_in_trac(env, 1) == "fixed"


def test_each_request_sees_what_other_processes_synced(demo):
    """A thread's view of Trac's cached metadata starts fresh at each request, as
    Trac's own open_environment makes it; else the cache's youngest revision that this
    thread read first would stay."""
    repository, env = demo
    follower = RevisionFollower()
    follower.catch_up(env, repository)
    assert _cached(env) == 0                   # this thread has read the metadata
    _commit(repository, 2)
    other_process = Environment(env.path)
    try:
        RevisionFollower().catch_up(other_process, repository)
    finally:
        other_process.shutdown()
    follower.catch_up(env, repository)
    assert _cached(env) == 2


_SYNC_IN_ANOTHER_PROCESS = """
import sys
from trac.env import Environment
from trac.versioncontrol.api import RepositoryManager
RepositoryManager(Environment(sys.argv[1])).get_repository("").sync()
"""


def test_a_sync_that_loses_a_race_leaves_no_thread_behind(demo, monkeypatch):
    """Another process caches the new revision between a thread's check and its insert:
    Trac logs "already cached" and holds that thread's view of the repository at the
    revision before until its next sync. If another thread's sync then counted for the
    whole process, that thread would answer 404 for the youngest revision, which the
    cache says exists, until the next commit."""
    repository, env = demo
    _commit(repository, 1)
    follower = RevisionFollower()
    follower.catch_up(env, repository)
    _commit(repository, 1)
    real_insert = CachedRepository.insert_changeset

    def another_process_first(self, rev, cset):
        subprocess.run([sys.executable, "-c", _SYNC_IN_ANOTHER_PROCESS, env.path],
                       check=True, capture_output=True)
        real_insert(self, rev, cset)

    def next_request():
        follower.catch_up(env, repository)
        shown = RepositoryManager(env).get_repository("")
        return shown.youngest_rev, shown.get_node("/dir-1", None).path

    with ThreadPoolExecutor(1) as losing_thread:
        monkeypatch.setattr(CachedRepository, "insert_changeset", another_process_first)
        losing_thread.submit(follower.catch_up, env, repository).result()
        monkeypatch.undo()
        follower.catch_up(env, repository)          # a request of another thread
        assert losing_thread.submit(next_request).result() == (2, "/dir-1")


def test_a_race_lost_after_caching_some_revisions_leaves_the_page_whole(demo, monkeypatch):
    """This thread caches a revision, then loses the next to another process: Trac holds
    its view of the repository at the revision it cached, while the metadata it reads
    again says the other process's. The same request must still find that revision."""
    repository, env = demo
    follower = RevisionFollower()
    follower.catch_up(env, repository)
    _commit(repository, 2)
    real_insert = CachedRepository.insert_changeset

    def another_process_takes_the_second(self, rev, cset):
        if rev == 2:
            subprocess.run([sys.executable, "-c", _SYNC_IN_ANOTHER_PROCESS, env.path],
                           check=True, capture_output=True)
        real_insert(self, rev, cset)
    monkeypatch.setattr(CachedRepository, "insert_changeset",
                        another_process_takes_the_second)
    follower.catch_up(env, repository)
    shown = RepositoryManager(env).get_repository("")
    assert shown.youngest_rev == 2
    assert shown.get_node("/dir-1", None).path == "/dir-1"
