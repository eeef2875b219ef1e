"""Sign up, log in, log out, password reset: the forms and the security around them."""
import re
from urllib.parse import urlsplit

import pytest

from devjavu import audit
from devjavu.accounts import users
from devjavu.accounts.sessions import COOKIE_NAME
from devjavu.models import User
from tests.functional.conftest import ADMIN


def _user(web_site, name):
    with web_site.reading() as db:
        user = users.find_user(db, name)
        return None if user is None else (user.username, user.email, user.is_admin)


def _sign_up_without_a_form(webapp, username):
    """What a script would post where the page shows no form (its token from /login)."""
    return webapp.submit("/signup", {"username": username, "password": "a-good-password",
                                      "email": f"{username}@example.com"}, form_page="/login")


@pytest.fixture
def new_site(web_site):
    """A site as it is before its operator has made an administrator: no accounts."""
    with web_site.unit_of_work() as db:
        db.delete(users.get_user(db, ADMIN))
    return web_site


@pytest.mark.parametrize("address", ["192.0.2.10", "127.0.0.1", "::1"])
def test_the_first_to_reach_a_new_site_does_not_own_it(app_factory, new_site, address):
    """Were the first account its admin, whoever reached a public site first (or went
    through a proxy on the server itself) would own it: a new site takes no sign-up."""
    visitor = app_factory(REMOTE_ADDR=address)
    assert "not open for sign-ups yet" in visitor.get("/signup").text
    response = _sign_up_without_a_form(visitor, "first")
    assert response.status_int == 400 and "not open for sign-ups yet" in response.text
    assert _user(new_site, "first") is None
    with new_site.reading() as db:
        assert db.query(User).count() == 0


def test_no_sign_up_makes_a_site_admin(app_factory, new_site):
    with new_site.unit_of_work() as db:     # what `devjavu-admin user add --admin` does
        users.add_user(db, "operator", "op@example.com", "a-good-password", is_admin=True)
    app_factory().sign_up("first")
    app_factory().sign_up("second")
    assert _user(new_site, "first")[2] is False
    assert _user(new_site, "second")[2] is False


def test_sign_up_closes_when_no_active_admin_is_left(app_factory, web_site):
    with web_site.unit_of_work() as db:
        users.get_user(db, ADMIN).is_active = False
    assert _sign_up_without_a_form(app_factory(), "late").status_int == 400
    assert _user(web_site, "late") is None


def test_signup_logs_in_with_a_safe_cookie(webapp):
    response = webapp.sign_up("amy")
    assert response.status_int == 303 and response.location.endswith("/dashboard")
    cookie = next(c for c in response.headers.getall("Set-Cookie")
                  if c.startswith(COOKIE_NAME))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    assert "amy" in webapp.get("/dashboard").text


def test_session_cookie_is_secure_on_https(app_factory):
    response = app_factory(**{"wsgi.url_scheme": "https", "HTTP_HOST": "localhost:443"}
                           ).sign_up("amy")
    assert all("Secure" in c for c in response.headers.getall("Set-Cookie"))


@pytest.mark.parametrize("fields,field,message", [
    ({"username": "A"}, "username", "Invalid username"),
    ({"username": "anonymous"}, "username", "reserved"),
    ({"username": "x" * 33}, "username", "Invalid username"),
    ({"email": "not-an-email"}, "email", "Invalid email"),
    ({"email": "a@b.c" + "c" * 300}, "email", "254"),
    ({"password": "short"}, "password", "at least 8"),
    ({"password": ""}, "password", "Choose a password"),
])
def test_bad_signup_keeps_values_but_never_the_password(webapp, web_site, fields, field,
                                                        message):
    values = {"username": "amy", "email": "amy@example.com", "password": "good-password",
              **fields}
    page = webapp.submit("/signup", values)
    assert page.status_int == 400
    error = re.search(rf'id="{field}-error" class="field-error">([^<]*)<', page.text)
    assert error and message in error.group(1)
    assert 'value="good-password"' not in page.text
    if field != "email":
        assert 'value="amy@example.com"' in page.text
    assert _user(web_site, values["username"]) is None


def test_duplicate_username_is_refused_whatever_the_case(app_factory, web_site):
    app_factory().sign_up("amy")
    page = app_factory().sign_up("amy")
    assert page.status_int == 400 and "taken" in page.text
    page = app_factory().sign_up("AMY")
    assert page.status_int == 400


def test_post_without_csrf_token_changes_nothing(webapp, web_site):
    webapp.post("/signup", {"username": "amy", "email": "amy@example.com",
                             "password": "good-password"}, status=400)
    assert _user(web_site, "amy") is None


def test_login_renews_the_session_and_logout_ends_it(app_factory, add_user):
    add_user("amy")
    b = app_factory()
    b.log_in("amy")
    first = b.cookies[COOKIE_NAME]
    b.log_in("amy")
    second = b.cookies[COOKIE_NAME]
    assert first != second
    stolen = app_factory()
    stolen.set_cookie(COOKIE_NAME, first)
    assert stolen.get("/dashboard").status_int == 303     # the old id is dead
    b.log_out()
    replay = app_factory()
    replay.set_cookie(COOKIE_NAME, second)
    assert replay.get("/dashboard").status_int == 303


def test_unknown_user_and_wrong_password_get_the_same_answer(app_factory, add_user):
    add_user("amy")
    wrong = app_factory().submit("/login", {"username": "amy", "password": "nope-nope"})
    unknown = app_factory().submit("/login", {"username": "zed", "password": "nope-nope"})
    assert wrong.status_int == unknown.status_int == 400
    strip = lambda t: re.sub(r'value="[^"]*"', "", t)  # noqa: E731 (typed values differ)
    assert strip(wrong.text) == strip(unknown.text).replace("zed", "amy")


def test_too_many_failures_lock_the_account_for_a_while(app_factory, add_user):
    add_user("amy")
    for _ in range(5):
        assert app_factory().submit("/login", {"username": "amy",
                                               "password": "wrong-pass"}).status_int == 400
    page = app_factory().submit("/login", {"username": "amy", "password": "a-good-password"})
    assert page.status_int == 400 and "Too many failed sign-ins" in page.text


def test_too_many_failures_from_one_address(app_factory, add_user):
    add_user("amy")
    for n in range(20):
        app_factory().submit("/login", {"username": f"nobody{n}", "password": "x" * 8})
    page = app_factory().submit("/login", {"username": "amy", "password": "a-good-password"})
    assert "Too many failed sign-ins" in page.text
    elsewhere = app_factory(REMOTE_ADDR="198.51.100.7")
    assert elsewhere.submit("/login", {"username": "amy", "password": "a-good-password"}
                            ).status_int == 303


# Browsers drop tabs and line breaks in a URL, read "\\" as "/" and strip leading
# blanks; what would then name another host must land on the default page.
OFF_SITE = ["https://evil.example/", "//evil.example/", "/\\evil.example", "/\t/evil.example",
            "/\r\n/evil.example", "/\n/evil.example", "\t//evil.example", " //evil.example",
            "/\x00/evil.example", "/\x0b/evil.example", "javascript:alert(1)",
            "JaVaScRiPt:alert(1)", "http:/evil.example", "%2F%2Fevil.example",
            "\\\\evil.example"]
# Encoded, these are paths on this site: they stay, in one ASCII form.
ON_SITE = [("/demo/wiki/Start?version=2", "/demo/wiki/Start?version=2"),
           ("/%2F%2Fevil.example/", "/%2F%2Fevil.example/"),
           ("/%5Cevil.example", "/%5Cevil.example"),
           ("/%09/evil.example", "/%09/evil.example"),
           ("/%0d%0aSet-Cookie:x=1", "/%0d%0aSet-Cookie:x=1"),
           ("/demo/wiki/Caf\u00e9", "/demo/wiki/Caf%C3%A9"),
           ("/\u3000/evil.example", "/%E3%80%80/evil.example")]


def _stays_here(location: str, landing: str) -> None:
    parts = urlsplit(location)
    assert parts.hostname == "localhost" and location.isascii(), location
    assert location.endswith(landing) and not re.search(r"[\x00-\x20\\]", location)


@pytest.mark.parametrize("came_from,landing",
                         [(value, "/dashboard") for value in OFF_SITE] + ON_SITE)
def test_login_returns_only_to_this_site(app_factory, add_user, came_from, landing):
    add_user("amy")
    b = app_factory()
    response = b.submit("/login", {"username": "amy", "password": "a-good-password",
                                   "came_from": came_from})
    assert response.status_int == 303
    _stays_here(response.location, landing)


@pytest.mark.parametrize("came_from", OFF_SITE)
def test_signup_and_logout_return_only_to_this_site(app_factory, came_from):
    amy = app_factory()
    _stays_here(amy.sign_up("amy", came_from=came_from).location, "/dashboard")
    response = amy.submit("/logout", {"came_from": came_from}, form_page="/logout")
    _stays_here(response.location, "/")
    page = app_factory().get("/login", params={"came_from": came_from})
    assert 'name="came_from" value="/dashboard"' in page.text


def test_password_reset_by_email(app_factory, add_user, mailbox):
    add_user("amy", password="old-password")
    b = app_factory()
    b.log_in("amy", "old-password")
    other = app_factory()
    page = other.submit("/reset", {"email": "amy@example.com"})
    assert "on its way" in page.text
    unknown = other.submit("/reset", {"email": "nobody@example.com"})
    assert unknown.text.count("on its way") == 1
    link = next(url for url in [u for m in mailbox.wait_for(1) for u in
                                re.findall(r"http\S+/reset/\S+", m.get_payload())])
    path = "/reset/" + link.rsplit("/reset/", 1)[1]
    assert len(mailbox.messages) == 1
    other.submit(path, {"password": "new-password"})
    assert b.get("/dashboard").status_int == 303           # signed out everywhere
    assert app_factory().submit("/login", {"username": "amy", "password": "old-password"}
                                ).status_int == 400
    app_factory().log_in("amy", "new-password")
    again = other.submit(path, {"password": "third-password"}, form_page="/reset")
    assert again.status_int == 400 and "used up or has expired" in again.text


def test_reset_matches_the_address_exactly(app_factory, add_user, mailbox):
    add_user("amy")
    add_user("bob")
    app_factory().submit("/reset", {"email": "%@example.com"})
    app_factory().submit("/reset", {"email": "AMY@example.com"})
    messages = mailbox.wait_for(1)
    assert [m["To"] for m in messages] == ["amy@example.com"]


def test_a_forged_forwarded_for_does_not_reset_the_login_limit(app_factory, add_user,
                                                              web_site):
    add_user("amy")
    for n in range(5):
        app_factory(HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").submit(
            "/login", {"username": "amy", "password": "wrong-pass"})
    page = app_factory(HTTP_X_FORWARDED_FOR="198.51.100.99").submit(
        "/login", {"username": "amy", "password": "a-good-password"})
    assert page.status_int == 400 and "Try again in 1 second" in page.text
    with web_site.reading() as db:
        assert {e.ip_address for e in audit.recent(db)} == {"192.0.2.10"}


def test_a_disabled_account_is_refused_like_a_wrong_password(app_factory, add_user,
                                                            web_site):
    add_user("amy")
    add_user("dora")
    with web_site.unit_of_work() as db:
        users.set_active(db, users.get_user(db, "dora"), False)
    disabled = app_factory().submit("/login", {"username": "dora",
                                               "password": "a-good-password"})
    wrong = app_factory(REMOTE_ADDR="192.0.2.11").submit(
        "/login", {"username": "amy", "password": "wrong-pass"})
    assert disabled.status_int == wrong.status_int == 400
    strip = lambda t: re.sub(r'value="[^"]*"', "", t)  # noqa: E731 (typed values differ)
    assert strip(disabled.text) == strip(wrong.text).replace("amy", "dora")
