"""Locking several files in one `svn lock` or `svn unlock`, on a public project (anonymous
read) as on a private one, with the password given on the command line or cached.

With anonymous read, the svn client sends its batch of LOCK requests without
credentials and could answer only the first 401; every file must end up locked, each
with its token in the working copy, and nothing may be locked by a refused attempt.
"""
import subprocess
import tempfile
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest

from tests.integration.conftest import PASSWORDS
from tests.support.svnclient import CERT_FAILURES

PUBLIC, PRIVATE = "pub", "priv"               # bob a developer, vic a viewer of both
DIRECTORY = "locking"
FILES = ["a.txt", "b.txt", "c.txt", "docs/d.txt"]


def _auth(who):
    return {"user": who, "password": PASSWORDS[who]}


@pytest.fixture(scope="module")
def lock_projects(svn, tmp_path_factory):
    """The same files in a directory of each of the session's two projects."""
    tree = tmp_path_factory.mktemp("lock-files")
    for name in FILES:
        (tree / name).parent.mkdir(parents=True, exist_ok=True)
        (tree / name).write_text(f"{name}\n")
    for project in (PUBLIC, PRIVATE):
        svn.run("import", "-m", "files to lock", str(tree), svn.url(project, DIRECTORY),
                **_auth("alice"))
    return PUBLIC, PRIVATE


def _checkout(svn, project, **auth):
    wc = Path(tempfile.mkdtemp(dir=svn.workdir, prefix=f"wc-{project}-locking-"))
    svn.run("checkout", svn.url(project, DIRECTORY), str(wc), **auth)
    return wc


def _server_locks(svn, project):
    """{path: (owner, token)} of the files locked in the repository, as alice sees it."""
    listing = svn.run("info", "--xml", "-R", svn.url(project, DIRECTORY),
                      **_auth("alice")).stdout
    locks = {}
    for entry in ElementTree.fromstring(listing).iter("entry"):
        lock = entry.find("lock")
        if lock is not None:
            locks[entry.get("path")] = (lock.findtext("owner"), lock.findtext("token"))
    return locks


def _working_copy_tokens(svn, wc):
    """{path relative to wc: token} of the locks the working copy holds."""
    listing = svn.run("info", "--xml", "-R", str(wc)).stdout
    tokens = {}
    for entry in ElementTree.fromstring(listing).iter("entry"):
        token = entry.findtext("lock/token")
        if token:
            tokens[Path(entry.get("path")).relative_to(wc).as_posix()] = token
    return tokens


def _files(wc):
    return [str(wc / name) for name in FILES]


def _lock_and_unlock(svn, project, wc, who):
    """Lock all FILES in one command, check the locks everywhere, unlock them in one."""
    auth = _auth(who)
    locked = svn.run("lock", "-m", "mine", *_files(wc), check=False, **auth)
    assert locked.returncode == 0, locked.stderr
    tokens = _working_copy_tokens(svn, wc)
    assert sorted(tokens) == sorted(FILES)
    assert _server_locks(svn, project) == {name: (who, token) for name, token in tokens.items()}
    status = svn.run("status", "-u", str(wc), **auth).stdout.splitlines()
    assert sorted(line.split()[-1] for line in status if line[5] == "K") == sorted(
        _files(wc))

    unlocked = svn.run("unlock", *_files(wc), check=False, **auth)
    assert unlocked.returncode == 0, unlocked.stderr
    assert _working_copy_tokens(svn, wc) == {}
    assert _server_locks(svn, project) == {}


@pytest.mark.parametrize("project", [PUBLIC, PRIVATE])
def test_member_locks_and_unlocks_several_files_with_password_on_stdin(
        svn, lock_projects, project):
    wc = _checkout(svn, project, **_auth("bob"))
    _lock_and_unlock(svn, project, wc, "bob")


def test_member_locks_several_files_with_password_in_arguments(svn, lock_projects):
    wc = _checkout(svn, PUBLIC)
    files = _files(wc)
    password = ["--username", "bob", "--password", PASSWORDS["bob"]]
    locked = svn.run("lock", *password, *files, check=False)
    assert locked.returncode == 0, locked.stderr
    assert sorted(_working_copy_tokens(svn, wc)) == sorted(FILES)
    unlocked = svn.run("unlock", *password, *files, check=False)
    assert unlocked.returncode == 0, unlocked.stderr
    assert _server_locks(svn, PUBLIC) == {}


def _svn_with_cached_password(config_dir: Path, *args):
    """svn as a person runs it: no credentials given, the config dir's cached ones."""
    return subprocess.run(
        ["svn", "--non-interactive", "--config-dir", str(config_dir),
         f"--trust-server-cert-failures={CERT_FAILURES}", *args],
        capture_output=True, text=True, timeout=120)


def test_member_locks_several_files_with_a_cached_password(running_site, svn, lock_projects,
                                                           tmp_path):
    config_dir = tmp_path / "svn-config"
    config_dir.mkdir()
    # No keyring on a server: the password is cached in the config dir itself.
    (config_dir / "config").write_text("[auth]\npassword-stores =\n")
    (config_dir / "servers").write_text("[global]\nstore-plaintext-passwords = yes\n")
    wc = tmp_path / "wc"
    # A private checkout prompts, so it caches bob's password for the realm.
    remembered = _svn_with_cached_password(
        config_dir, "checkout", "--username", "bob", "--password", PASSWORDS["bob"],
        svn.url(PRIVATE, DIRECTORY, running_site.https_url), str(tmp_path / "private-wc"))
    assert remembered.returncode == 0, remembered.stderr
    assert list((config_dir / "auth" / "svn.simple").iterdir())
    checkout = _svn_with_cached_password(config_dir, "checkout",
                                         svn.url(PUBLIC, DIRECTORY, running_site.https_url), str(wc))
    assert checkout.returncode == 0, checkout.stderr

    locked = _svn_with_cached_password(config_dir, "lock", *_files(wc))
    assert locked.returncode == 0, locked.stderr
    assert sorted(_working_copy_tokens(svn, wc)) == sorted(FILES)
    assert {owner for owner, _ in _server_locks(svn, PUBLIC).values()} == {"bob"}
    unlocked = _svn_with_cached_password(config_dir, "unlock", *_files(wc))
    assert unlocked.returncode == 0, unlocked.stderr
    assert _server_locks(svn, PUBLIC) == {}


def test_a_commit_by_another_member_on_a_locked_file_is_refused(svn, lock_projects):
    holder = _checkout(svn, PUBLIC, **_auth("bob"))
    svn.run("lock", *_files(holder), **_auth("bob"))
    try:
        other = _checkout(svn, PUBLIC, **_auth("alice"))
        (other / "b.txt").write_text("alice was here\n")
        before = svn.youngest(PUBLIC)
        refused = svn.commit(other, "over a lock", check=False, **_auth("alice"))
        assert refused.returncode != 0
        assert "locked" in refused.stderr.lower(), refused.stderr
        assert svn.youngest(PUBLIC) == before
        # The holder commits through its own lock, which the commit then releases.
        (holder / "b.txt").write_text("bob's change\n")
        svn.commit(holder, "under my lock", **_auth("bob"))
        assert svn.youngest(PUBLIC) == before + 1
    finally:
        svn.run("unlock", "--force", *[svn.url(PUBLIC, f"{DIRECTORY}/{name}") for name in FILES],
                check=False, **_auth("alice"))
    assert _server_locks(svn, PUBLIC) == {}


def test_anonymous_read_of_the_public_project_needs_no_password(svn, lock_projects):
    wc = _checkout(svn, PUBLIC)
    assert (wc / "docs" / "d.txt").read_text() == "docs/d.txt\n"
    assert svn.run("cat", svn.url(PUBLIC, f"{DIRECTORY}/a.txt")).stdout == "a.txt\n"
    assert "files to lock" in svn.run("log", svn.url(PUBLIC, DIRECTORY)).stdout
    svn.run("update", str(wc))


@pytest.mark.parametrize("who", [None, "vic", "nora"])   # anonymous, viewer, outsider
def test_who_may_not_write_cannot_lock_one_file_or_several(svn, lock_projects, who):
    wc = _checkout(svn, PUBLIC)
    auth = _auth(who) if who else {}
    for files in (_files(wc)[:1], _files(wc)):
        refused = svn.run("lock", *files, check=False, **auth)
        assert refused.returncode != 0
        if who is None:
            assert "E215004" in refused.stderr, refused.stderr   # no credentials
        else:
            assert refused.stderr.count("Not authorized to perform lock") == len(files)
        assert _working_copy_tokens(svn, wc) == {}
        assert _server_locks(svn, PUBLIC) == {}


def test_outsiders_cannot_lock_in_a_private_project(svn, lock_projects):
    url = svn.url(PRIVATE, f"{DIRECTORY}/a.txt")
    for auth, answer in (({}, "E215004"), (_auth("nora"), "forbidden")):
        refused = svn.run("lock", url, check=False, **auth)
        assert refused.returncode != 0 and answer in refused.stderr, refused.stderr
    assert _server_locks(svn, PRIVATE) == {}
