"""Fixing a commit's log message over HTTP (`svn propset --revprop -r N svn:log`, or
`propedit`) on the running site: owners and developers may, no one else, no other
revision property changes, and Trac shows the new message on its next page, in every
daemon process, even when the fix comes right after the commit."""
import itertools
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.integration.conftest import PASSWORDS
from tests.support.trac import trac_shows_changeset

PUBLIC, PRIVATE, MISSING = "logmsg-pub", "logmsg-priv", "logmsg-none"
_DIRECTORIES = (f"dir-{n}" for n in itertools.count())


@pytest.fixture(scope="module")
def projects(running_site):
    """Two projects of alice's, with bob developer and vic viewer, as pub and priv."""
    running_site.admin("project", "add", PUBLIC, "--owner", "alice")
    running_site.admin("project", "add", PRIVATE, "--owner", "alice", "--private")
    for project in (PUBLIC, PRIVATE):
        running_site.admin("member", "add", project, "bob", "--role", "developer")
        running_site.admin("member", "add", project, "vic", "--role", "viewer")
    return running_site


def _as(who):
    return {} if who is None else {"user": who, "password": PASSWORDS[who]}


def _set(svn, project, revision, value, who, prop="svn:log"):
    return svn.run("propset", "--revprop", "-r", str(revision), prop, value,
                   svn.url(project), check=False, **_as(who))


def _revprop(svn, project, revision, prop="svn:log"):
    return svn.run("propget", "--revprop", "-r", str(revision), prop, svn.url(project),
                   **_as("alice")).stdout.strip()


def _commit(svn, project, message="Typo in this mesage"):
    svn.run("mkdir", "-m", message, svn.url(project, next(_DIRECTORIES)), **_as("bob"))
    return svn.youngest(project, **_as("bob"))


def _page(site, project, path, who=None):
    auth = (who, PASSWORDS[who]) if who else None
    response = requests.get(f"{site.http_url}/{project}/{path}", auth=auth)
    assert response.status_code == 200, (path, response.status_code)
    return response.text


def test_owners_and_developers_fix_a_message_and_the_next_pages_show_it(projects, svn,
                                                                         tmp_path):
    revision = _commit(svn, PUBLIC)
    assert trac_shows_changeset(projects.http_url, PUBLIC, revision)
    assert "Typo in this mesage" in _page(projects, PUBLIC, f"changeset/{revision}")

    assert _set(svn, PUBLIC, revision, "Fixed by the developer", "bob").returncode == 0
    assert _revprop(svn, PUBLIC, revision) == "Fixed by the developer"
    assert "Fixed by the developer" in _page(projects, PUBLIC, f"changeset/{revision}")
    assert "Fixed by the developer" in _page(projects, PUBLIC, "timeline")

    # A second fix of the same revision, by the owner, then a third with propedit.
    assert _set(svn, PUBLIC, revision, "Fixed by the owner", "alice").returncode == 0
    page = _page(projects, PUBLIC, f"changeset/{revision}")
    assert "Fixed by the owner" in page and "Fixed by the developer" not in page
    timeline = _page(projects, PUBLIC, "timeline")
    assert "Fixed by the owner" in timeline and "Fixed by the developer" not in timeline

    editor = tmp_path / "editor"
    editor.write_text("#!/bin/sh\nprintf 'Thirdfix with propedit\\n' > \"$1\"\n")
    editor.chmod(0o755)
    svn.run("propedit", "--revprop", "-r", str(revision), "svn:log", svn.url(PUBLIC),
            "--editor-cmd", str(editor), **_as("bob"))
    for path in (f"changeset/{revision}", "timeline", "log/",
                 "search?q=Thirdfix&changeset=on"):
        page = _page(projects, PUBLIC, path)
        assert "Thirdfix with propedit" in page and "Fixed by the owner" not in page, path
    # The private project's members see it the same way.
    private_revision = _commit(svn, PRIVATE)
    assert _set(svn, PRIVATE, private_revision, "Private, fixed", "alice").returncode == 0
    assert "Private, fixed" in _page(projects, PRIVATE, f"changeset/{private_revision}",
                                     who="vic")


def test_viewers_outsiders_and_anonymous_cannot_fix_a_message(projects, svn):
    revision = _commit(svn, PUBLIC)
    for who in ("vic", "nora", None):
        refused = _set(svn, PUBLIC, revision, f"Changed by {who}", who)
        assert refused.returncode != 0, who
    assert _revprop(svn, PUBLIC, revision) == "Typo in this mesage"


def test_a_private_project_refuses_outsiders_as_a_missing_one_would(projects, svn):
    revision = _commit(svn, PRIVATE)
    refused = _set(svn, PRIVATE, revision, "Changed by vic", "vic")
    assert refused.returncode != 0
    for who in ("nora", None):
        private = _set(svn, PRIVATE, revision, "Changed", who)
        missing = _set(svn, MISSING, revision, "Changed", who)
        assert private.returncode == missing.returncode != 0, who
        assert private.stderr.replace(PRIVATE, MISSING) == missing.stderr, who
    assert _revprop(svn, PRIVATE, revision) == "Typo in this mesage"


def test_no_other_revision_property_changes_for_anyone(projects, svn):
    revision = _commit(svn, PUBLIC)
    before = {prop: _revprop(svn, PUBLIC, revision, prop)
              for prop in ("svn:author", "svn:date", "svn:log")}
    for who in ("alice", "bob", "sam"):
        for prop in ("svn:author", "svn:date", "anything"):
            refused = _set(svn, PUBLIC, revision, "2001-01-01T00:00:00.000000Z", who,
                           prop=prop)
            assert refused.returncode != 0 and "svn:log" in refused.stderr, (who, prop)
        deleted = svn.run("propdel", "--revprop", "-r", str(revision), "svn:log",
                          svn.url(PUBLIC), check=False, **_as(who))
        assert deleted.returncode != 0, who
    after = {prop: _revprop(svn, PUBLIC, revision, prop) for prop in before}
    assert after == before
    listed = svn.run("proplist", "--revprop", "-r", str(revision), svn.url(PUBLIC),
                     **_as("alice")).stdout
    assert "anything" not in listed


def _burst(site, project, path, count=12):
    """`count` requests at once, over fresh connections: more than one daemon process
    has threads for, so both answer."""
    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(lambda _: requests.get(f"{site.http_url}/{project}/{path}"),
                             range(count)))


def test_every_daemon_process_shows_the_fixed_message(projects, svn):
    revision = _commit(svn, PUBLIC)
    assert trac_shows_changeset(projects.http_url, PUBLIC, revision)
    trac_db = projects.dir.data_dir / "trac" / PUBLIC / "db" / "trac.db"
    daemons = projects.apache.daemon_rss_kib()
    assert len(daemons) == 2
    # Both processes have read the revision, old message and all.
    for _ in range(20):
        answers = _burst(projects, PUBLIC, f"changeset/{revision}")
        assert all("Typo in this mesage" in answer.text for answer in answers)
        if projects.apache.daemons_with_open(trac_db) == set(daemons):
            break
    assert projects.apache.daemons_with_open(trac_db) == set(daemons)

    assert _set(svn, PUBLIC, revision, "Fixed for every process", "bob").returncode == 0
    for _ in range(3):
        for answer in _burst(projects, PUBLIC, f"changeset/{revision}"):
            assert answer.status_code == 200
            assert "Fixed for every process" in answer.text
            assert "Typo in this mesage" not in answer.text


def test_fixes_right_after_commits_amid_pages_show_and_every_commit_stays(projects, svn):
    """The race that broke the first attempt: a fix of a revision Trac has not cached
    yet, while both processes serve pages (and sync); then the next page shows every
    commit with its fixed message, and later commits still reach Trac."""
    revision = _commit(svn, PUBLIC)
    assert trac_shows_changeset(projects.http_url, PUBLIC, revision)
    stop = threading.Event()

    def read_pages():
        while not stop.is_set():
            requests.get(f"{projects.http_url}/{PUBLIC}/timeline")

    readers = [threading.Thread(target=read_pages) for _ in range(4)]
    for reader in readers:
        reader.start()
    fixed = {}
    try:
        for n in range(6):
            revision = _commit(svn, PUBLIC, message=f"Racing commit {n} with a typo")
            assert _set(svn, PUBLIC, revision, f"Racing commit {n} fixed",
                        "bob").returncode == 0
            fixed[revision] = f"Racing commit {n} fixed"
    finally:
        stop.set()
        for reader in readers:
            reader.join()
    # No commit and no page between: the page after shows both.
    last = _commit(svn, PUBLIC, message="Commit right before its fix")
    assert _set(svn, PUBLIC, last, "Last commit fixed", "alice").returncode == 0
    fixed[last] = "Last commit fixed"
    assert "Last commit fixed" in _page(projects, PUBLIC, f"changeset/{last}")
    timeline = _page(projects, PUBLIC, "timeline")
    for revision, message in fixed.items():
        assert message in timeline, revision
        assert message in _page(projects, PUBLIC, f"changeset/{revision}"), revision
    assert "with a typo" not in timeline
    after = _commit(svn, PUBLIC, message="A later commit")
    assert "A later commit" in _page(projects, PUBLIC, "timeline")
    assert after == last + 1
