"""The dashboard login is the Trac login: one cookie, Trac's links lead to the dashboard."""
import html
import re
from urllib.parse import parse_qs, urlsplit


def _setup(app_factory):
    amy = app_factory()
    amy.sign_up("amy")
    amy.submit("/dashboard/new", {"name": "demo", "description": "", "visibility": "private"})
    amy.submit("/dashboard/new", {"name": "open", "description": "", "visibility": "public"})
    return amy


def test_signed_in_user_is_the_trac_user(app_factory):
    amy = _setup(app_factory)
    page = amy.get("/demo/")
    assert re.search(r"logged in as\s*<span[^>]*>\s*amy", page.text)
    assert 'href="/dashboard"' in page.text
    assert amy.get("/demo/admin/ticket/components").status_int == 200  # owner: ticket fields
    amy.get("/demo/admin/general/basics", status=404)      # the dashboard holds these


def test_trac_login_and_logout_links_come_back(app_factory):
    _setup(app_factory)
    guest = app_factory()
    page = guest.get("/open/wiki/WikiStart")
    link = re.search(r'href="(/login\?came_from=[^"]+)"', page.text).group(1)
    assert "came_from=%2Fopen%2Fwiki%2FWikiStart" in link
    assert guest.get("/open/login").location.endswith("/login?came_from=/open/")
    guest.get("/demo/", status=404)
    guest.log_in("amy")
    response = guest.submit("/login", {"username": "amy", "password": "a-good-password",
                                       "came_from": "/demo/wiki/WikiStart"})
    assert response.location.endswith("/demo/wiki/WikiStart")
    assert guest.get("/demo/wiki/WikiStart").status_int == 200
    trac_page = guest.get("/demo/")
    logout = re.search(r'href="(/logout\?came_from=[^"]+)"', trac_page.text).group(1)
    assert guest.get(logout).status_int == 200
    guest.log_out()
    guest.get("/demo/", status=404)


def test_dashboard_logout_ends_the_trac_login(app_factory):
    amy = _setup(app_factory)
    assert "logged in as" in amy.get("/open/").text
    amy.log_out()
    assert "logged in as" not in amy.get("/open/").text


def test_trac_login_link_returns_only_to_this_site(app_factory):
    _setup(app_factory)
    guest = app_factory()
    page = guest.get("/open/wiki/WikiStart", params="x=%5C%5Cevil.example%0d%0a&y=//evil")
    link = re.search(r'href="(/login\?came_from=[^"]+)"', page.text).group(1)
    came_from = parse_qs(urlsplit(html.unescape(link)).query)["came_from"][0]
    assert came_from == "/open/wiki/WikiStart?x=%5C%5Cevil.example%0d%0a&y=//evil"
    response = guest.submit("/login", {"username": "amy", "password": "a-good-password",
                                       "came_from": came_from})
    assert urlsplit(response.location).hostname == "localhost"
    assert response.location.endswith(came_from)
