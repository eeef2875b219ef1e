"""The role matrix of DESIGN.md, through the real svn client against the real Apache."""
import itertools

import pytest
import requests

from tests.integration.conftest import PASSWORDS
from tests.support.web import post_form, signed_in

_counter = itertools.count()

# who -> (may read, may write), per project; None is anonymous.
MATRIX = {
    "pub": {"alice": (True, True), "bob": (True, True), "vic": (True, False),
            "nora": (True, False), "sam": (True, True), None: (True, False)},
    "priv": {"alice": (True, True), "bob": (True, True), "vic": (True, False),
             "nora": (False, False), "sam": (True, True), None: (False, False)},
}
CASES = [(project, who, *allowed) for project, row in MATRIX.items()
         for who, allowed in row.items()]


def _credentials(who):
    return {} if who is None else {"user": who, "password": PASSWORDS[who]}


@pytest.mark.parametrize("project,who,may_read,may_write", CASES)
def test_role_matrix(svn, project, who, may_read, may_write):
    listing = svn.run("ls", svn.url(project), check=False, **_credentials(who))
    assert (listing.returncode == 0) == may_read, listing.stderr

    before = svn.youngest(project, user="alice", password=PASSWORDS["alice"])
    directory = f"dir-{who or 'anonymous'}-{next(_counter)}"
    made = svn.run("mkdir", "-m", f"mkdir by {who}", svn.url(project, directory),
                   check=False, **_credentials(who))
    assert (made.returncode == 0) == may_write, made.stderr
    after = svn.youngest(project, user="alice", password=PASSWORDS["alice"])
    assert after == before + (1 if may_write else 0)


@pytest.mark.parametrize("project", ["pub", "priv"])
def test_wrong_password_cannot_write(svn, project):
    before = svn.youngest(project, user="alice", password=PASSWORDS["alice"])
    made = svn.run("mkdir", "-m", "nope", svn.url(project, f"wrong-{next(_counter)}"),
                   user="alice", password="not-her-password", check=False)
    assert made.returncode != 0
    assert svn.youngest(project, user="alice", password=PASSWORDS["alice"]) == before


def test_wrong_password_cannot_read_private(svn):
    listing = svn.run("ls", svn.url("priv"), user="bob", password="wrong-password",
                      check=False)
    assert listing.returncode != 0


def test_private_repository_answers_outsiders_like_a_missing_one(running_site):
    for auth in (None, ("nora", PASSWORDS["nora"])):
        private = requests.request("PROPFIND", f"{running_site.http_url}/svn/priv/", auth=auth,
                                   headers={"Depth": "0"})
        missing = requests.request("PROPFIND", f"{running_site.http_url}/svn/no-such-project/",
                                   auth=auth, headers={"Depth": "0"})
        assert private.status_code in (401, 403)
        assert (private.status_code, private.text) == (missing.status_code, missing.text)


def test_checkout_commit_move_and_copy_over_https(running_site, svn):
    auth = {"user": "bob", "password": PASSWORDS["bob"]}
    wc = svn.checkout("pub", base=running_site.https_url, **auth)
    svn.add_file(wc, "src/hello.txt", "hello\n")
    svn.commit(wc, "add hello", **auth)
    svn.run("move", str(wc / "src" / "hello.txt"), str(wc / "src" / "moved.txt"))
    svn.commit(wc, "move it", **auth)
    svn.run("copy", "-m", "copy by URL", svn.url("pub", "src/moved.txt", running_site.https_url),
            svn.url("pub", "src/copied.txt", running_site.https_url), **auth)
    svn.run("move", "-m", "move by URL", svn.url("pub", "src/copied.txt", running_site.https_url),
            svn.url("pub", "src/renamed.txt", running_site.https_url), **auth)
    listing = svn.run("ls", svn.url("pub", "src", running_site.https_url), **auth).stdout.split()
    assert listing == ["moved.txt", "renamed.txt"]
    svn.run("update", str(wc), **auth)
    assert (wc / "src" / "renamed.txt").read_text() == "hello\n"


def test_membership_change_is_enforced_at_once(running_site, svn):
    running_site.admin("member", "add", "priv", "nora", "--role", "viewer")
    try:
        assert svn.run("ls", svn.url("priv"), user="nora",
                       password=PASSWORDS["nora"]).returncode == 0
    finally:
        running_site.admin("member", "remove", "priv", "nora")
    listing = svn.run("ls", svn.url("priv"), user="nora", password=PASSWORDS["nora"],
                      check=False)
    assert listing.returncode != 0


def test_disabled_account_and_changed_password_stop_working_at_once(running_site, svn):
    running_site.admin("user", "add", "dora", "--email", "dora@example.com",
               input="dora-secret-1\n")
    running_site.admin("member", "add", "priv", "dora", "--role", "developer")
    assert svn.run("ls", svn.url("priv"), user="dora", password="dora-secret-1"
                   ).returncode == 0
    running_site.admin("user", "passwd", "dora", input="dora-secret-2\n")
    assert svn.run("ls", svn.url("priv"), user="dora", password="dora-secret-1",
                   check=False).returncode != 0
    assert svn.run("ls", svn.url("priv"), user="dora", password="dora-secret-2"
                   ).returncode == 0
    running_site.admin("user", "disable", "dora")
    assert svn.run("ls", svn.url("priv"), user="dora", password="dora-secret-2",
                   check=False).returncode != 0


def test_site_admin_gets_and_loses_access_at_once_with_one_file_rewritten(running_site, svn):
    """Site admins are one group in the shared groups file: making someone a site admin,
    or revoking it in /admin, is enforced by Apache at once, and no project's own authz
    file is rewritten."""
    project_file = running_site.dir.data_dir / "repos" / "priv" / "conf" / "authz"
    before = project_file.read_bytes()
    running_site.admin("user", "add", "ada", "--email", "ada@example.com", "--admin",
               input="ada-secret-123\n")
    ada = {"user": "ada", "password": "ada-secret-123"}
    made = svn.run("mkdir", "-m", "by a site admin", svn.url("priv", "by-ada"), **ada,
                   check=False)
    assert made.returncode == 0, made.stderr
    web = signed_in(running_site.http_url, "sam", PASSWORDS["sam"])
    revoked = post_form(web, running_site.http_url, "/admin/users", "/admin/users/ada",
                        action="revoke-admin")
    assert "ada is no longer a site admin." in revoked.text
    listing = svn.run("ls", svn.url("priv"), **ada, check=False)
    assert listing.returncode != 0 and "forbidden" in listing.stderr, listing.stderr
    assert svn.run("ls", svn.url("pub"), **ada).returncode == 0
    assert project_file.read_bytes() == before
    # A membership change in the dashboard rewrites the project's own file, validated in
    # the mod_wsgi daemon (Subversion's parser runs in it).
    post_form(web, running_site.http_url, "/dashboard/priv/members", "/dashboard/priv/members",
              username="ada", role="viewer")
    assert "ada = r\n" in project_file.read_text()
    assert svn.run("ls", svn.url("priv"), **ada).returncode == 0
