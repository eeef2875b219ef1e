"""A renamed project, on the running site: new URLs work at once, old ones lead there
(Trac: 301 for those who may see the project; svn: "moved permanently ... relocate" for
public projects), the old name stays the project's for a period, and commits to the
new URL reach Trac."""
import requests
from sqlalchemy import create_engine, text

from tests.integration.conftest import PASSWORDS
from tests.support.trac import trac_shows_changeset


def test_a_renamed_project_answers_at_its_new_urls(running_site, svn):
    alice = {"user": "alice", "password": PASSWORDS["alice"]}
    running_site.admin("project", "add", "oldname", "--owner", "alice", "--private")
    running_site.admin("member", "add", "oldname", "bob", "--role", "viewer")
    assert svn.run("mkdir", "-m", "before", svn.url("oldname", "trunk"), **alice
                   ).returncode == 0
    assert requests.get(f"{running_site.http_url}/oldname/", auth=("alice", PASSWORDS["alice"])
                        ).status_code == 200
    running_site.admin("project", "rename", "oldname", "newname")

    moved = requests.get(f"{running_site.http_url}/oldname/", allow_redirects=False,
                         auth=("alice", PASSWORDS["alice"]))
    assert moved.status_code == 301 and moved.headers["Location"] == "/newname/"
    # To an outsider the private project's old name is a missing project: no redirect.
    hidden = requests.get(f"{running_site.http_url}/oldname/", allow_redirects=False,
                          auth=("nora", PASSWORDS["nora"]))
    assert hidden.status_code == 404 and "newname" not in hidden.text
    assert requests.get(f"{running_site.http_url}/oldname/", allow_redirects=False
                        ).status_code == 404
    # Nor does svn tell where a private project went: Apache answers before sign-in.
    refused = svn.run("info", svn.url("oldname"), **alice, check=False)
    assert refused.returncode != 0 and "newname" not in refused.stderr
    browser = requests.get(f"{running_site.http_url}/newname/browser/trunk",
                           auth=("alice", PASSWORDS["alice"]))
    assert browser.status_code == 200 and "newname" in browser.text
    # Access moved with it: the viewer reads, an outsider gets nothing.
    assert svn.run("ls", svn.url("newname"), user="bob", password=PASSWORDS["bob"]
                   ).returncode == 0
    assert svn.run("ls", svn.url("newname"), user="nora", password=PASSWORDS["nora"],
                   check=False).returncode != 0
    assert svn.run("mkdir", "-m", "after", svn.url("newname", "branches"), **alice
                   ).returncode == 0
    assert trac_shows_changeset(running_site.http_url, "newname", 2,
                                auth=("alice", PASSWORDS["alice"]))


ALICE = {"user": "alice", "password": PASSWORDS["alice"]}


def _expire_old_name(running_site, name):
    """Move the reservation's end into the past (as if the period had passed)."""
    engine = create_engine(running_site.dir.database_url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE renamed_names SET until = '2000-01-01 00:00:00' "
                                "WHERE name = :name"), {"name": name})
    engine.dispose()


def _location(url, **kwargs):
    response = requests.get(url, allow_redirects=False, verify=False, **kwargs)
    assert response.status_code == 301, (url, response.status_code)
    return response.headers["Location"]


def test_old_trac_links_answer_301_to_the_new_ones(running_site, svn):
    running_site.admin("project", "add", "links-old", "--owner", "alice")
    running_site.admin("project", "rename", "links-old", "links-new")
    base = running_site.http_url
    assert _location(f"{base}/links-old/wiki/WikiStart") == "/links-new/wiki/WikiStart"
    assert _location(f"{base}/links-old/ticket/1?version=1") == "/links-new/ticket/1?version=1"
    assert _location(f"{base}/links-old/") == "/links-new/"
    assert _location(f"{base}/links-old") == "/links-new/"
    landed = requests.get(f"{base}/links-old/wiki/WikiStart")
    assert landed.status_code == 200 and landed.url.endswith("/links-new/wiki/WikiStart")


def test_svn_at_the_old_url_names_the_new_one_and_relocate_works(running_site, svn):
    running_site.admin("project", "add", "wc-old", "--owner", "alice")
    wc = svn.checkout("wc-old", **ALICE)
    svn.add_file(wc, "README", "before\n")
    svn.commit(wc, "before", **ALICE)
    running_site.admin("project", "rename", "wc-old", "wc-new")

    for base in (running_site.http_url, running_site.https_url):
        # Given a URL, the client follows the redirect and says where it went.
        info = svn.run("info", svn.url("wc-old", base=base), **ALICE)
        assert f"Redirecting to URL '{svn.url('wc-new', base=base)}'" in info.stdout
        assert f"URL: {svn.url('wc-new', base=base)}" in info.stdout
    # A commit from a working copy of the old URL fails, naming the new URL (the client
    # says "Repository moved permanently to '<URL>'", without the word relocate).
    (wc / "README").write_text("after\n")
    commit = svn.commit(wc, "through the old URL", **ALICE, check=False)
    assert commit.returncode != 0
    assert f"moved permanently to '{svn.url('wc-new')}'" in commit.stderr, commit.stderr
    assert svn.youngest("wc-new", **ALICE) == 1
    svn.run("relocate", svn.url("wc-old"), svn.url("wc-new"), str(wc), **ALICE)
    svn.commit(wc, "after relocating", **ALICE)
    assert svn.youngest("wc-new", **ALICE) == 2


def test_an_old_name_is_kept_until_its_period_ends(running_site, svn):
    running_site.admin("project", "add", "kept-old", "--owner", "alice")
    running_site.admin("project", "rename", "kept-old", "kept-new")
    taken = running_site.admin("project", "add", "kept-old", "--owner", "bob", check=False)
    assert taken.returncode != 0 and "renamed recently" in taken.stderr
    running_site.admin("project", "add", "kept-other", "--owner", "bob")
    refused = running_site.admin("project", "rename", "kept-other", "kept-old", check=False)
    assert refused.returncode != 0 and "renamed recently" in refused.stderr

    _expire_old_name(running_site, "kept-old")
    running_site.admin("project", "add", "kept-old", "--owner", "bob")
    # The name is bob's project now, for Trac and for svn alike.
    assert requests.get(f"{running_site.http_url}/kept-old/",
                        allow_redirects=False).status_code == 200
    assert svn.youngest("kept-old") == 0
    assert "kept-old" in svn.run("info", svn.url("kept-old")).stdout


def test_a_project_takes_its_old_name_back(running_site, svn):
    running_site.admin("project", "add", "back-a", "--owner", "alice")
    running_site.admin("project", "rename", "back-a", "back-b")
    running_site.admin("project", "rename", "back-b", "back-a")
    assert requests.get(f"{running_site.http_url}/back-a/",
                        allow_redirects=False).status_code == 200
    assert _location(f"{running_site.http_url}/back-b/") == "/back-a/"
    assert "back-a" in svn.run("info", svn.url("back-a")).stdout


def test_a_chain_of_renames_leads_straight_to_the_last_name(running_site, svn):
    running_site.admin("project", "add", "chain-a", "--owner", "alice")
    running_site.admin("project", "rename", "chain-a", "chain-b")
    running_site.admin("project", "rename", "chain-b", "chain-c")
    for old in ("chain-a", "chain-b"):
        assert _location(f"{running_site.http_url}/{old}/timeline") == "/chain-c/timeline"
        info = svn.run("info", svn.url(old))
        assert f"Redirecting to URL '{svn.url('chain-c')}'" in info.stdout


def test_old_names_never_redirect_off_site(running_site):
    running_site.admin("project", "add", "evil-old", "--owner", "alice")
    running_site.admin("project", "rename", "evil-old", "evil-new")
    for base in (running_site.http_url, running_site.https_url):
        for path in ("/evil-old//evil.example/x", "/evil-old/..%2f..%2fevil.example",
                     "/evil-old/%2F%2Fevil.example", "/evil-old/%0d%0aSet-Cookie:%20a=b",
                     "/evil-old/%5C%5Cevil.example", "/evil-old/x%0aLocation:%20//evil.example"):
            response = requests.get(base + path, allow_redirects=False, verify=False)
            location = response.headers.get("Location", "")
            assert "Set-Cookie" not in response.headers, path
            # Apache itself refuses encoded slashes (404): no redirect at all is fine.
            assert location == "" or location.startswith("/evil-new/"), (path, location)
        assert _location(f"{base}/evil-old//evil.example/x") == "/evil-new/evil.example/x"
        for path in ("//evil.example/x", "/%2F%2Fevil.example", "/%0d%0aSet-Cookie:%20a=b"):
            response = requests.get(f"{base}/svn/evil-old{path}", allow_redirects=False,
                                    verify=False)
            assert "Set-Cookie" not in response.headers, path
            if response.status_code == 301:
                assert response.headers["Location"].startswith(f"{base}/svn/evil-new/"), path


def test_names_that_try_to_shape_the_map_are_refused(running_site):
    map_path = running_site.dir.data_dir / "renamed-svn.map"
    running_site.admin("project", "add", "inject-old", "--owner", "alice")
    before = map_path.read_bytes()
    for bad in ("inject-new x\nevil-old evil", "a b", "inject\r\nold", "Inject-New",
                "inject-new%0a", "../inject"):
        result = running_site.admin("project", "rename", "inject-old", bad, check=False)
        assert result.returncode != 0 and "Invalid project name" in result.stderr, bad
    assert map_path.read_bytes() == before
