"""A project owner is a stranger to the server: the attacks a tenant tried, performed
against the real Apache, dispatcher and Trac, each one now without effect."""
import pytest
import requests

from tests.integration.conftest import PASSWORDS
from tests.support.trac import trac_form_post
from tests.support.web import post_form, signed_in

PROJECT = "acme"
SCRIPT = "<script>alert(document.cookie)</script>"
# A carriage return ends a line when Python's configparser reads trac.ini back.
INJECTION = f"Tools\r[project]\rfooter = {SCRIPT}\r[logging]\rlog_type = file\r"
PAGE = "<html><body><script>document.title = 'ran: ' + document.cookie</script></body></html>"


def _trac_as(who: str) -> requests.Session:
    session = requests.Session()
    session.auth = (who, PASSWORDS[who])
    return session


@pytest.fixture(scope="module")
def acme(running_site):
    """A public project of alice's, bob a developer of it."""
    running_site.admin("project", "add", PROJECT, "--owner", "alice", "--description", "Tools")
    running_site.admin("member", "add", PROJECT, "bob", "--role", "developer")
    return running_site.dir.data_dir / "trac" / PROJECT


@pytest.fixture(scope="module")
def html_page(running_site, acme, svn):
    auth = {"user": "alice", "password": PASSWORDS["alice"]}
    wc = svn.checkout(PROJECT, **auth)
    svn.add_file(wc, "page.html", PAGE)
    svn.run("propset", "svn:mime-type", "text/html", str(wc / "page.html"))
    svn.commit(wc, "An HTML page", **auth)
    return "page.html"


@pytest.mark.parametrize("who", ["alice", "sam"])          # owner, site admin
@pytest.mark.parametrize("panel", ["general/basics", "general/logging", "general/perm",
                                   "general/plugin", "versioncontrol/repository"])
def test_trac_panels_that_reach_beyond_the_project_do_not_exist(running_site, acme, who, panel):
    response = _trac_as(who).get(f"{running_site.http_url}/{PROJECT}/admin/{panel}")
    assert response.status_code in (403, 404), response.text[:500]


def test_an_owner_cannot_install_a_plugin(running_site, acme):
    owner = _trac_as("alice")
    response = trac_form_post(
        owner, f"{running_site.http_url}/{PROJECT}/admin/ticket/components",
        {"install": "Install"},
        files={"plugin_file": ("evil.py", b"import os\nos.system('touch /tmp/pwned')\n")},
        target_url=f"{running_site.http_url}/{PROJECT}/admin/general/plugin")
    assert response.status_code in (403, 404)
    assert not list((acme / "plugins").iterdir())


def test_an_owner_cannot_attach_another_projects_repository(running_site, acme):
    stolen = str(running_site.dir.data_dir / "repos" / "priv")
    response = trac_form_post(
        _trac_as("alice"), f"{running_site.http_url}/{PROJECT}/admin/ticket/components",
        {"add_repos": "Add", "name": "stolen", "type": "svn", "dir": stolen},
        target_url=f"{running_site.http_url}/{PROJECT}/admin/versioncontrol/repository")
    assert response.status_code in (403, 404)
    assert requests.get(f"{running_site.http_url}/{PROJECT}/browser/stolen").status_code == 404


def test_an_owner_cannot_turn_on_logging_to_a_file(running_site, acme):
    ini = acme / "conf" / "trac.ini"
    before = ini.read_bytes()
    response = trac_form_post(
        _trac_as("alice"), f"{running_site.http_url}/{PROJECT}/admin/ticket/components",
        {"apply": "Apply", "log_type": "file", "log_level": "DEBUG",
         "log_file": str(acme / "plugins" / "log.py")},
        target_url=f"{running_site.http_url}/{PROJECT}/admin/general/logging")
    assert response.status_code in (403, 404)
    assert ini.read_bytes() == before
    assert not list((acme / "plugins").iterdir())


def test_an_owner_still_manages_ticket_fields(running_site, acme):
    components = f"{running_site.http_url}/{PROJECT}/admin/ticket/components"
    response = trac_form_post(_trac_as("alice"), components,
                              {"add": "Add", "name": "widgets", "owner": ""})
    assert response.status_code == 303, response.text[:500]
    assert "widgets" in _trac_as("alice").get(components).text
    assert _trac_as("bob").get(components).status_code in (403, 404)    # a developer


def test_trac_admin_cannot_write_user_text_into_trac_ini(running_site, acme):
    """Trac's components panel saves the posted "default component" into trac.ini."""
    ini = acme / "conf" / "trac.ini"
    before = ini.read_bytes()
    response = trac_form_post(_trac_as("alice"),
                              f"{running_site.http_url}/{PROJECT}/admin/ticket/components",
                              {"apply": "Apply changes", "default": INJECTION})
    assert response.status_code >= 400
    assert ini.read_bytes() == before
    assert SCRIPT not in requests.get(f"{running_site.http_url}/{PROJECT}/wiki").text


def test_a_description_cannot_shape_trac_ini(running_site, acme):
    ini = acme / "conf" / "trac.ini"
    before = ini.read_bytes()
    alice = signed_in(running_site.http_url, "alice", PASSWORDS["alice"])
    response = post_form(alice, running_site.http_url, f"/dashboard/{PROJECT}", f"/dashboard/{PROJECT}",
                         description=INJECTION, visibility="public")
    assert response.status_code == 400
    assert "one line" in response.text
    assert ini.read_bytes() == before
    refused = running_site.admin("project", "add", "injected", "--owner", "alice",
                         "--description", INJECTION, check=False)
    assert refused.returncode == 1 and "one line" in refused.stderr
    assert not (running_site.dir.data_dir / "trac" / "injected").exists()
    assert SCRIPT not in requests.get(f"{running_site.http_url}/{PROJECT}/wiki").text


def _assert_inert(response: requests.Response) -> None:
    assert response.status_code == 200, response.text[:500]
    assert response.headers["Content-Security-Policy"] == "sandbox"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_committed_html_is_sandboxed_in_svn(running_site, html_page):
    response = requests.get(f"{running_site.http_url}/svn/{PROJECT}/{html_page}")
    assert response.headers["Content-Type"].startswith("text/html")
    assert "<script>" in response.text
    _assert_inert(response)


@pytest.mark.parametrize("path", ["browser/{page}?format=raw", "browser/{page}?format=txt",
                                  "export/HEAD/{page}"])
def test_committed_html_is_sandboxed_in_trac(running_site, html_page, path):
    response = requests.get(f"{running_site.http_url}/{PROJECT}/{path.format(page=html_page)}")
    _assert_inert(response)
    assert response.headers["Content-Disposition"].startswith("attachment")


def test_attached_html_is_sandboxed(running_site, acme):
    alice = _trac_as("alice")
    created = trac_form_post(alice, f"{running_site.http_url}/{PROJECT}/newticket",
                             {"field_summary": "Has an attachment", "field_type": "defect",
                              "submit": "Create ticket"})
    assert created.status_code == 303, created.text[:500]
    ticket = created.headers["Location"].rstrip("/").rsplit("/", 1)[1]
    attached = trac_form_post(
        alice, f"{running_site.http_url}/{PROJECT}/attachment/ticket/{ticket}/?action=new",
        {"action": "new", "realm": "ticket", "id": ticket, "description": ""},
        files={"attachment": ("page.html", PAGE.encode(), "text/html")},
        target_url=f"{running_site.http_url}/{PROJECT}/attachment/ticket/{ticket}/")
    assert attached.status_code == 303, attached.text[:500]
    for path in (f"raw-attachment/ticket/{ticket}/page.html",
                 f"attachment/ticket/{ticket}/page.html?format=raw"):
        _assert_inert(requests.get(f"{running_site.http_url}/{PROJECT}/{path}"))


def test_trac_pages_forbid_sniffing_and_stay_pages(running_site, acme):
    response = requests.get(f"{running_site.http_url}/{PROJECT}/wiki/WikiStart")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    # Trac's own page: refused framing (Apache's CSP for Trac), never sandboxed.
    assert "sandbox" not in response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
