"""Each project's Trac on its short URL, through the real Apache and dispatcher."""
import re
from urllib.parse import urlsplit

import pytest
import requests

from tests.integration.conftest import PASSWORDS
from tests.support.trac import trac_form_post, trac_shows_changeset


def _auth(who):
    return None if who is None else (who, PASSWORDS[who])


@pytest.fixture(scope="module")
def committed(running_site, svn):
    """A revision in `pub`, so the browser, changeset and timeline have something."""
    auth = {"user": "alice", "password": PASSWORDS["alice"]}
    wc = svn.checkout("pub", **auth)
    svn.add_file(wc, "trunk/README.txt", "Read me.\n")
    svn.commit(wc, "Add the README for the timeline", **auth)
    revision = svn.youngest("pub", **auth)
    assert trac_shows_changeset(running_site.http_url, "pub", revision)
    return revision


@pytest.mark.parametrize("path,marker", [
    ("/pub/", "Welcome to Trac"),
    ("/pub/wiki/WikiStart", "Welcome to Trac"),
    ("/pub/timeline", "Add the README for the timeline"),
    ("/pub/browser/trunk", "README.txt"),
    ("/pub/browser/trunk/README.txt", "Read me."),
    ("/pub/report", "Active Tickets"),
    ("/pub/roadmap", "Roadmap"),
    ("/pub/search?q=README", "Search"),
])
def test_trac_pages_on_the_short_url(running_site, committed, path, marker):
    response = requests.get(running_site.http_url + path)
    assert response.status_code == 200, response.text[:2000]
    assert marker in response.text
    # Links stay on the short URL and static files come from /chrome/common/.
    assert 'href="/pub/wiki' in response.text
    assert "/chrome/common/css/trac.css" in response.text
    assert "/projects/" not in response.text


def test_commit_shows_in_changeset_within_seconds(running_site, committed):
    response = requests.get(f"{running_site.http_url}/pub/changeset/{committed}")
    assert response.status_code == 200
    assert "Add the README for the timeline" in response.text


def test_trac_static_files_are_served_by_apache(running_site):
    response = requests.get(f"{running_site.http_url}/chrome/common/css/trac.css")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/css")


@pytest.mark.parametrize("path,query,target", [
    ("/projects/pub/trac/wiki/WikiStart", "version=1", "/pub/wiki/WikiStart?version=1"),
    ("/projects/pub/trac", "", "/pub/"),
    ("/trac/pub/timeline", "daysback=3&authors=x", "/pub/timeline?daysback=3&authors=x"),
])
def test_legacy_urls_redirect_permanently(running_site, path, query, target):
    url = running_site.http_url + path + (f"?{query}" if query else "")
    response = requests.get(url, allow_redirects=False)
    assert response.status_code == 301
    assert response.headers["Location"].endswith(target)


@pytest.mark.parametrize("path", [
    "/trac/%5Cevil.example/", "/trac/%5C%5Cevil.example/", "/projects/%09/trac/wiki",
    "/trac/%0d%0aSet-Cookie:%20x=1/", "/trac/pub%0a/", "/trac//evil.example/",
    "/trac/%2F%2Fevil.example/", "/trac/caf%C3%A9/", "/projects/%E2%80%8Epub/trac/",
])
def test_legacy_attack_urls_are_not_redirected(running_site, path):
    response = requests.get(running_site.http_url + path, allow_redirects=False)
    assert response.status_code == 404 and "Location" not in response.headers


@pytest.mark.parametrize("path,location", [
    ("/trac/pub/%5Cevil.example/", "/pub/%5Cevil.example/"),
    ("/trac/pub//evil.example/", "/pub/evil.example/"),     # Apache merges slashes
    ("/projects/pub/trac/wiki/%09%0d%0a", "/pub/wiki/%09%0D%0A"),
])
def test_legacy_location_stays_on_the_site(running_site, path, location):
    response = requests.get(running_site.http_url + path + "?next=%5Cevil", allow_redirects=False)
    assert response.status_code == 301
    assert response.headers["Location"].endswith(location + "?next=%5Cevil")
    assert urlsplit(response.headers["Location"]).hostname in (None, "127.0.0.1")


@pytest.mark.parametrize("who,status", [(None, 404), ("nora", 404), ("vic", 200),
                                        ("bob", 200), ("alice", 200), ("sam", 200)])
def test_private_trac_is_a_404_to_outsiders(running_site, who, status):
    response = requests.get(f"{running_site.http_url}/priv/wiki/WikiStart", auth=_auth(who))
    assert response.status_code == status
    if status == 404:
        missing = requests.get(f"{running_site.http_url}/no-such-project/wiki/WikiStart",
                               auth=_auth(who))
        assert missing.status_code == 404
        assert _neutral(missing.text, "no-such-project") == _neutral(response.text, "priv")


def _neutral(page: str, name: str) -> str:
    """The page without what differs between any two requests: the project name in the
    address it links back to, and the per-session CSRF token."""
    page = re.sub(r'name="csrf_token" value="[^"]*"', "", page)
    return page.replace(f"%2F{name}%2F", "%2FX%2F")


def test_wrong_password_is_refused(running_site):
    response = requests.get(f"{running_site.http_url}/pub/", auth=("alice", "wrong-password"))
    assert response.status_code == 401


# (path, who may open it, what everyone else gets) on the public project. Trac answers
# 404 for the admin area to users without any admin panel.
PERMISSIONS = [
    ("/pub/newticket", {"vic", "bob", "alice", "sam"}, 403),
    ("/pub/wiki/NewPage?action=edit", {"bob", "alice", "sam"}, 403),
    ("/pub/admin/ticket/components", {"alice", "sam"}, 404),
]


@pytest.mark.parametrize("path,allowed,refusal", PERMISSIONS)
@pytest.mark.parametrize("who", [None, "nora", "vic", "bob", "alice", "sam"])
def test_trac_permissions_follow_roles(running_site, path, allowed, refusal, who):
    response = requests.get(running_site.http_url + path, auth=_auth(who))
    assert response.status_code == (200 if who in allowed else refusal), \
        response.text[:500]


def test_logged_in_user_is_shown_in_trac(running_site):
    response = requests.get(f"{running_site.http_url}/pub/", auth=_auth("bob"))
    assert re.search(r"logged in as\s*<span[^>]*>\s*bob", response.text)


def test_viewer_creates_a_ticket(running_site):
    session = requests.Session()
    session.auth = _auth("vic")
    response = trac_form_post(session, f"{running_site.http_url}/pub/newticket", {
        "field_summary": "Viewer ticket", "field_description": "Filed by a viewer.",
        "field_type": "defect", "submit": "Create ticket"})
    assert response.status_code == 303, response.text[:2000]
    location = response.headers["Location"]
    assert re.search(r"/pub/ticket/\d+$", location)
    ticket = session.get(location if "://" in location else running_site.http_url + location)
    assert "Viewer ticket" in ticket.text
    assert "vic" in ticket.text


def test_health_reports_every_check(running_site):
    response = requests.get(f"{running_site.http_url}/_health")
    assert response.status_code == 200
    report = response.json()
    assert report["status"] == "ok"
    assert set(report["checks"]) == {"database", "data_dir", "free_disk", "authz",
                                     "leftovers", "repositories", "backup", "jobs"}
    assert all(check["ok"] for check in report["checks"].values())


def test_landing_page_lists_public_projects_only(running_site):
    response = requests.get(running_site.http_url + "/")
    assert response.status_code == 200
    assert 'href="/pub/"' in response.text
    assert "priv" not in response.text
