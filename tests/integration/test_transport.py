"""A site whose public URL is https, as production.ini sets it: plain http only points
there, browsers are told to stay on https, every cookie is Secure, every answer carries
the security headers, and request bodies and slow clients are bounded (svn excepted)."""
import re
import socket
import sqlite3
import time

import pytest
import requests

from tests.support.apache import RunningApache, admin
from tests.support.sitedir import SiteDir, free_port
from tests.support.svnclient import SvnClient
from tests.support.trac import trac_form_post
from tests.support.web import csrf_token, post_form

PASSWORDS = {"alice": "alice-secret-1", "sam": "sam-secret-123"}
MB = 2**20


class HttpsSite:
    def __init__(self, sitedir: SiteDir):
        self.dir = sitedir
        self.http_url = sitedir.http_url
        self.https_url = sitedir.https_url
        self.certificate = str(sitedir.ssl_dir / "server.crt")

    def admin(self, *args, input=None, check=True):
        return admin(self.dir, *args, input=input, check=check)

    def session(self) -> requests.Session:
        session = requests.Session()
        # REQUESTS_CA_BUNDLE in the environment would override a session's own verify.
        session.trust_env = False
        session.verify = self.certificate
        # As a browser's: over https, Pyramid's CSRF check wants the request's origin.
        session.headers["Origin"] = self.https_url
        return session

    def log_in(self, session: requests.Session, username: str) -> requests.Response:
        response = session.post(self.https_url + "/login", allow_redirects=False, data={
            "csrf_token": csrf_token(session, self.https_url + "/login"),
            "username": username, "password": PASSWORDS[username]})
        assert response.status_code == 303
        return response

    def signed_in(self, username: str) -> requests.Session:
        session = self.session()
        self.log_in(session, username)
        return session


@pytest.fixture(scope="module")
def https_site():
    https_port = free_port()
    sitedir = SiteDir(https_port=https_port,
                      **{"devjavu.public_url": f"https://127.0.0.1:{https_port}"})
    try:
        admin(sitedir, "migrate")
        admin(sitedir, "user", "add", "alice", "--email", "alice@example.com",
              input=PASSWORDS["alice"] + "\n")
        admin(sitedir, "user", "add", "sam", "--email", "sam@example.com", "--admin",
              input=PASSWORDS["sam"] + "\n")
        admin(sitedir, "project", "add", "pub", "--owner", "alice")
        admin(sitedir, "project", "add", "priv", "--owner", "alice", "--private")
        apache = RunningApache(sitedir)
        try:
            yield HttpsSite(sitedir)
        finally:
            assert not apache.stop()
    finally:
        sitedir.remove()


@pytest.fixture(scope="module")
def https_svn(https_site, tmp_path_factory):
    return SvnClient(https_site.https_url, tmp_path_factory.mktemp("svn-https"))


def _set_cookies(response: requests.Response) -> list[str]:
    return response.raw.headers.getlist("Set-Cookie")


def _ticket_count(running_site: HttpsSite) -> int:
    with sqlite3.connect(running_site.dir.data_dir / "trac" / "pub" / "db" / "trac.db") as db:
        return db.execute("SELECT count(*) FROM ticket").fetchone()[0]


# -- plain http -------------------------------------------------------------------------

@pytest.mark.parametrize("method", ["GET", "HEAD"])
@pytest.mark.parametrize("path, target", [
    ("/", "/"), ("/login?came_from=/dashboard", "/login?came_from=/dashboard"),
    ("/pub/wiki/Wiki%20Start?x=a%20b", "/pub/wiki/Wiki%20Start?x=a%20b"),
    ("/svn/priv/", "/svn/priv/"),
    ("//evil.example/x", "/evil.example/x"),     # Apache merges slashes: still this site
])
def test_plain_http_pages_move_to_the_https_url_for_good(https_site, method, path, target):
    response = requests.request(method, https_site.http_url + path, allow_redirects=False)
    assert response.status_code == 301
    assert response.headers["Location"] == https_site.https_url + target
    assert "WWW-Authenticate" not in response.headers


def test_plain_http_takes_no_password_and_says_where_to_go(https_site):
    response = requests.post(https_site.http_url + "/login", allow_redirects=False, data={
        "username": "alice", "password": PASSWORDS["alice"]})
    assert response.status_code == 403
    assert f"use {https_site.https_url}/" in response.text
    assert _set_cookies(response) == []
    # svn's own methods with a body get the same answer, never a password prompt.
    for method in ("POST", "PUT", "MKCOL", "PROPPATCH"):
        response = requests.request(method, https_site.http_url + "/svn/priv/x", data="x")
        assert response.status_code == 403 and "WWW-Authenticate" not in response.headers


def test_the_svn_client_is_sent_to_https(https_site, https_svn):
    listing = https_svn.run("info", https_svn.url("pub", base=https_site.http_url))
    assert f"Redirecting to URL '{https_site.https_url}/svn/pub'" in listing.stdout
    assert f"URL: {https_site.https_url}/svn/pub" in listing.stdout
    youngest = https_svn.youngest("pub", user="alice", password=PASSWORDS["alice"])
    commit = https_svn.run("mkdir", "-m", "over http",
                           https_svn.url("pub", "over-http", base=https_site.http_url),
                           user="alice", password=PASSWORDS["alice"], check=False)
    assert commit.returncode != 0
    assert f"moved permanently to '{https_site.https_url}/svn/pub" in commit.stderr
    assert https_svn.youngest("pub", user="alice", password=PASSWORDS["alice"]) == youngest


# -- https -------------------------------------------------------------------------------

def test_https_answers_tell_browsers_to_stay_on_https(https_site):
    for path in ("/", "/pub/wiki/WikiStart", "/svn/pub/", "/static/dashboard.css",
                 "/no-such-project/"):
        response = https_site.session().get(https_site.https_url + path)
        assert response.headers["Strict-Transport-Security"] == "max-age=31536000"


def test_every_cookie_is_secure(https_site):
    session = https_site.session()
    cookies = _set_cookies(session.get(https_site.https_url + "/login"))
    cookies += _set_cookies(https_site.log_in(session, "alice"))
    cookies += _set_cookies(session.get(https_site.https_url + "/pub/wiki/WikiStart"))
    # Trac keeps a session cookie for anonymous visitors only.
    cookies += _set_cookies(https_site.session().get(https_site.https_url + "/pub/wiki/WikiStart"))
    names = {cookie.split("=", 1)[0] for cookie in cookies}
    assert {"devjavu_ui", "devjavu_session", "trac_form_token", "trac_session"} <= names
    for cookie in cookies:
        assert re.search(r";\s*secure\s*(;|$)", cookie, re.IGNORECASE), cookie


# -- headers on every answer ------------------------------------------------------------

DASHBOARD_CSP = ("default-src 'self'; object-src 'none'; base-uri 'self'; "
                 "form-action 'self'; frame-ancestors 'none'")
TRAC_CSP = "frame-ancestors 'none'; object-src 'none'; base-uri 'self'; form-action 'self'"


@pytest.mark.parametrize("path, csp", [
    ("/", DASHBOARD_CSP), ("/login", DASHBOARD_CSP), ("/no-such-project/", DASHBOARD_CSP),
    ("/priv/", DASHBOARD_CSP), ("/_health", DASHBOARD_CSP),
    ("/pub/wiki/WikiStart", TRAC_CSP), ("/pub/timeline", TRAC_CSP),
    ("/pub/no-such-handler", TRAC_CSP),
    ("/static/dashboard.css", TRAC_CSP), ("/chrome/common/css/trac.css", TRAC_CSP),
    ("/static/missing.css", TRAC_CSP),
    ("/pub/wiki/WikiStart?format=txt", "sandbox"), ("/svn/pub/", "sandbox"),
])
def test_every_answer_refuses_framing_and_sniffing(https_site, path, csp):
    response = https_site.session().get(https_site.https_url + path)
    headers = response.raw.headers
    assert headers.getlist("Content-Security-Policy") == [csp]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers.getlist("X-Frame-Options") == ["DENY"]
    assert headers.getlist("Referrer-Policy") == ["same-origin"]


# -- request bodies ------------------------------------------------------------------------

def test_an_oversized_post_to_the_dashboard_gets_413_and_changes_nothing(https_site):
    session = https_site.signed_in("alice")
    response = post_form(session, https_site.https_url, "/dashboard/new", "/dashboard/new",
                         name="bigdesc", visibility="public", description="x" * (2 * MB))
    assert response.status_code == 413
    assert "bigdesc" not in https_site.admin("project", "list").stdout
    signup = requests.post(https_site.https_url + "/signup", verify=https_site.certificate,
                           data={"username": "mallory", "email": "m@example.com",
                                 "password": "a-good-password", "pad": "x" * (2 * MB)})
    assert signup.status_code == 413
    assert "mallory" not in https_site.admin("user", "list").stdout


def test_trac_takes_attachments_up_to_its_limit_and_no_larger_body(https_site):
    session = https_site.signed_in("alice")
    page = https_site.https_url + "/pub/newticket"
    created = trac_form_post(session, page, {"field_summary": "Has a log",
                                             "field_type": "defect", "submit": "Create"})
    assert created.status_code == 303
    tickets = _ticket_count(https_site)
    attach = https_site.https_url + "/pub/attachment/ticket/1/?action=new"
    # Over the dashboard's limit, under Trac's: Trac takes it.
    accepted = trac_form_post(session, attach, {"action": "new", "realm": "ticket", "id": "1"},
                              files={"attachment": ("two.log", b"x" * (2 * MB))})
    assert accepted.status_code == 303, accepted.text[:500]
    refused = trac_form_post(session, attach, {"action": "new", "realm": "ticket", "id": "1"},
                             files={"attachment": ("huge.log", b"x" * (12 * MB))})
    assert refused.status_code == 413
    ticket = session.get(https_site.https_url + "/pub/ticket/1").text
    assert "two.log" in ticket and "huge.log" not in ticket
    huge_ticket = trac_form_post(session, page, {"field_summary": "Huge",
                                                 "field_description": "x" * (12 * MB),
                                                 "field_type": "defect", "submit": "Create"})
    assert huge_ticket.status_code == 413
    assert _ticket_count(https_site) == tickets


def test_a_large_svn_commit_still_works(https_site, https_svn):
    wc = https_svn.checkout("pub", user="alice", password=PASSWORDS["alice"])
    youngest = https_svn.youngest("pub", user="alice", password=PASSWORDS["alice"])
    big = wc / "big.bin"
    with open(big, "wb") as f:        # larger than any body Apache takes outside /svn
        for _ in range(16):
            f.write(bytes(range(256)) * 4096)
    https_svn.run("add", str(big))
    https_svn.commit(wc, "a large file", user="alice", password=PASSWORDS["alice"])
    assert https_svn.youngest("pub", user="alice", password=PASSWORDS["alice"]) == youngest + 1


def test_a_client_that_trickles_its_headers_is_cut_off(https_site):
    """Slowloris: headers sent a few bytes a second hold a thread for as long as the
    client likes, unless the server insists on a minimum rate."""
    answer = b""
    with socket.create_connection(("127.0.0.1", https_site.dir.http_port)) as s:
        s.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        s.setblocking(False)
        for _ in range(90):                       # well past the 20-40 s header limit
            try:
                chunk = s.recv(4096)
            except BlockingIOError:
                chunk = None
            except ConnectionResetError:
                break
            if chunk == b"":
                break                             # closed by the server
            if chunk:
                answer += chunk
            else:
                time.sleep(1)
                try:
                    s.sendall(b"X-a: b\r\n")
                except (BrokenPipeError, ConnectionResetError):
                    break
        else:
            pytest.fail("the server kept a trickling connection open for 90 s")
    assert answer == b"" or answer.startswith(b"HTTP/1.1 408"), answer[:200]


# -- development: both ports, as before -------------------------------------------------

def test_development_serves_http_and_https_alike(running_site):
    certificate = running_site.dir.ssl_dir / "server.crt"
    for base in (running_site.http_url, running_site.https_url):
        response = requests.get(base + "/login", verify=certificate)
        assert response.status_code == 200
        assert "Strict-Transport-Security" not in response.headers
        assert response.headers["X-Frame-Options"] == "DENY"
