"""A commit killed half-way no longer locks a repository: the leftover Subversion itself
leaves behind is performed (tests/support/halfcommit.py), seen to refuse the next commit,
and removed, under FSFS's own write lock."""
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from devjavu.svn.fsfs import remove_unfinished_commit, youngest_on_disk
from tests.support.halfcommit import kill_commit_half_way, next_revprops_file

# Root opens a read-only file for writing anyway, so the fault shows only for the user
# Apache's children and the job runner run as.
RUN_USER = "www-data"


def _as_run_user(command: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return command
    return ["setpriv", "--reuid", RUN_USER, "--regid", RUN_USER, "--clear-groups", "--",
            *command]


@pytest.fixture
def repository():
    top = Path(tempfile.mkdtemp(prefix="fsfs-"))
    path = top / "repo"
    if os.geteuid() == 0:
        user = pwd.getpwnam(RUN_USER)
        os.chown(top, user.pw_uid, user.pw_gid)
    subprocess.run(_as_run_user(["svnadmin", "create", str(path)]), check=True,
                   capture_output=True)
    try:
        yield path
    finally:
        shutil.rmtree(top)


def _commit(path: Path, directory: str) -> subprocess.CompletedProcess:
    return subprocess.run(_as_run_user(["svnmucc", "--non-interactive", "-U", path.as_uri(),
                                        "-m", f"make {directory}", "mkdir", directory]),
                          capture_output=True, text=True)


def _kill_a_commit_half_way(path: Path) -> None:
    kill_commit_half_way(path, _as_run_user(["svnmucc", "--non-interactive", "-U",
                                             path.as_uri(), "-m", "killed", "mkdir",
                                             "branches"]))


def test_a_commit_killed_half_way_refuses_the_next_until_repaired(repository):
    assert _commit(repository, "trunk").returncode == 0
    _kill_a_commit_half_way(repository)
    leftover = next_revprops_file(repository)
    assert leftover.exists()

    refused = _commit(repository, "tags")      # Subversion's own behaviour, unrepaired
    assert refused.returncode != 0 and "Permission denied" in refused.stderr, refused
    assert youngest_on_disk(repository) == 1

    assert remove_unfinished_commit(repository) is True
    assert not leftover.exists()
    assert _commit(repository, "tags").returncode == 0
    assert youngest_on_disk(repository) == 2
    verify = subprocess.run(["svnadmin", "verify", "-q", str(repository)],
                            capture_output=True, text=True)
    assert verify.returncode == 0, verify.stderr
    assert remove_unfinished_commit(repository) is False       # nothing more to do


def test_a_repository_without_leftovers_is_left_alone(repository):
    for directory in ("trunk", "tags"):
        assert _commit(repository, directory).returncode == 0
    before = sorted(p.name for p in (repository / "db" / "revprops" / "0").iterdir())
    assert remove_unfinished_commit(repository) is False
    assert sorted(p.name for p in (repository / "db" / "revprops" / "0").iterdir()) == before


def test_the_repair_waits_for_the_write_lock_a_commit_would_hold(repository):
    assert _commit(repository, "trunk").returncode == 0
    _kill_a_commit_half_way(repository)
    leftover = next_revprops_file(repository)
    # `svnadmin freeze` holds FSFS's write lock, as a commit writing its revision does.
    marker, thawed = repository.parent / "frozen", repository.parent / "thawed"
    frozen = subprocess.Popen(_as_run_user(["svnadmin", "freeze", str(repository), "--",
                                            "sh", "-c", f"touch {marker}; sleep 3; "
                                            f"touch {thawed}"]))
    try:
        deadline = time.monotonic() + 30
        while not marker.exists():
            assert time.monotonic() < deadline
            time.sleep(0.02)
        assert remove_unfinished_commit(repository, wait_seconds=0.5) is False
        assert leftover.exists()
        assert remove_unfinished_commit(repository, wait_seconds=30) is True
        assert thawed.exists()          # it waited for the lock's release
    finally:
        frozen.wait()
    assert not leftover.exists()
    assert _commit(repository, "tags").returncode == 0
