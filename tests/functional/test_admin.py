"""Site administration through the real application: who may reach it, the signup
mode and invite codes, the project cap and its waitlist, users, projects and the audit
log. Every change is checked in the database or on the next page, not only in the
answer to the form."""
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from sqlalchemy import func, select

from devjavu import audit, sitesettings
from devjavu.accounts import signup, users
from devjavu.models import PasswordReset, Project, User

SCRIPT = "<script>alert(1)</script>"
ESCAPED_SCRIPT = "&lt;script&gt;alert(1)&lt;/script&gt;"

ADMIN_PAGES = ["/admin", "/admin/users", "/admin/users?q=alice", "/admin/projects",
               "/admin/audit", "/admin/audit?event=signin&page=1"]

# Every admin POST, each aimed at a change that `site_state` would show.
ADMIN_POSTS = [
    pytest.param("/admin/signup", {"mode": "closed"}, id="signup-mode"),
    pytest.param("/admin/signup", {"count": "3"}, id="invite-codes"),
    pytest.param("/admin/cap", {"cap": "0"}, id="project-cap"),
    pytest.param("/admin/users/bob", {"action": "disable"}, id="disable"),
    pytest.param("/admin/users/alice", {"action": "make-admin"}, id="make-admin"),
    pytest.param("/admin/users/root-admin", {"action": "revoke-admin"}, id="revoke-admin"),
    pytest.param("/admin/users/bob", {"action": "reset-password"}, id="reset-password"),
]


# What the tests look at: the database, and the pages as a person reads them.

def site_state(web_site) -> dict:
    """Everything an admin POST can change, for before-and-after comparisons."""
    with web_site.reading() as db:
        return {
            "signup mode": sitesettings.signup_mode(db),
            "project cap": sitesettings.project_cap(db),
            "unused codes": signup.unused_code_count(db),
            "accounts": {(u.username, u.is_active, u.is_admin)
                         for u in db.scalars(select(User))},
            "password resets": db.scalar(select(func.count(PasswordReset.id))),
        }


def account(web_site, username: str) -> User | None:
    with web_site.reading() as db:
        user = users.find_user(db, username)
        if user is not None:
            db.expunge(user)
        return user


def project_names(web_site) -> set[str]:
    with web_site.reading() as db:
        return set(db.scalars(select(Project.name)))


def table_rows(page, css: str = "table.table") -> list[list[str]]:
    """The text of each cell of each body row of the first table matching `css`."""
    table = page.html.select_one(css)
    if table is None:
        return []
    return [[cell.get_text(" ", strip=True) for cell in row.find_all("td")]
            for row in table.select("tbody tr")]


def listed_usernames(page) -> list[str]:
    return [row[0] for row in table_rows(page)]


def audit_rows(page) -> list[tuple[str, str, str, str, str]]:
    """(event, by, about, detail, from) of each audit log row, newest first."""
    return [tuple(row[1:]) for row in table_rows(page)]


def flashes(page) -> list[str]:
    return [p.get_text(strip=True) for p in page.html.select(".flashes .flash")]


def field_error(page, field_id: str) -> str:
    error = page.html.find(id=f"{field_id}-error")
    assert error is not None, f"no error next to {field_id}"
    return error.get_text(strip=True)


def login_redirect(response) -> tuple[str, list[str]]:
    """The path a 303 leads to, and its came_from."""
    location = urlsplit(response.headers["Location"])
    return location.path, parse_qs(location.query).get("came_from", [])


# What people do, through the forms.

def signed_up_browser(app_factory, username: str):
    webapp = app_factory()
    assert webapp.sign_up(username).status_int == 303
    return webapp


@pytest.fixture
def alice(admin_webapp, app_factory):
    """A browser signed in as alice, an ordinary user (root-admin came first)."""
    return signed_up_browser(app_factory, "alice")


def admin_post(webapp, url: str, fields: dict, form_page: str = "/admin"):
    return webapp.submit(url, fields, form_page=form_page)


def set_signup_mode(admin_webapp, mode: str):
    response = admin_post(admin_webapp, "/admin/signup", {"mode": mode})
    assert response.status_int == 303, response.text
    page = response.follow()
    assert f"Sign-ups are now {mode}." in flashes(page)
    return page


def create_invite_codes(admin_webapp, count: int) -> list[str]:
    page = admin_post(admin_webapp, "/admin/signup", {"count": str(count)})
    assert page.status_int == 200, page.text
    assert page.headers["Cache-Control"] == "no-store"
    return [code.get_text() for code in page.html.select("ul.codes code")]


def set_project_cap(admin_webapp, cap: str):
    response = admin_post(admin_webapp, "/admin/cap", {"cap": cap})
    assert response.status_int == 303, response.text
    return response.follow()


def user_action(admin_webapp, username: str, action: str):
    """Apply `action` on /admin/users and return the users page it leads back to."""
    response = admin_post(admin_webapp, f"/admin/users/{username}", {"action": action},
                          form_page="/admin/users")
    assert response.status_int == 303, response.text
    return response.follow()


def sign_up_without_form(webapp, username: str):
    """A sign-up POST sent even where /signup shows no form (a closed site)."""
    return webapp.submit("/signup", {"username": username, "password": "a-good-password",
                                      "email": f"{username}@example.com"},
                          form_page="/login")


def create_project(webapp, name: str, visibility: str = "public"):
    return webapp.submit("/dashboard/new", {"name": name, "description": f"About {name}",
                                             "visibility": visibility})


def failed_login(webapp, username: str):
    response = webapp.submit("/login", {"username": username,
                                         "password": "not-the-password"})
    assert response.status_int == 400
    return response


# Who may reach the admin pages.

@pytest.mark.parametrize("url", ADMIN_PAGES)
def test_anonymous_get_is_sent_to_login_and_back(webapp, url):
    response = webapp.get(url, status=303)
    assert login_redirect(response) == ("/login", [url])


@pytest.mark.parametrize("url", ADMIN_PAGES)
def test_signed_in_non_admin_gets_403(alice, url):
    page = alice.get(url, status=403)
    assert "Not allowed" in page.text


@pytest.mark.parametrize("url, fields", ADMIN_POSTS)
def test_non_admin_post_with_valid_csrf_is_refused_and_changes_nothing(
        alice, add_user, web_site, url, fields):
    add_user("bob")
    before = site_state(web_site)
    alice.submit(url, fields, form_page="/dashboard", status=403)
    assert site_state(web_site) == before


@pytest.mark.parametrize("url, fields", ADMIN_POSTS)
def test_anonymous_post_is_refused_and_changes_nothing(
        alice, add_user, webapp, web_site, url, fields):
    add_user("bob")
    before = site_state(web_site)
    webapp.submit(url, fields, form_page="/login", status=403)
    assert site_state(web_site) == before


@pytest.mark.parametrize("token", [None, "not-the-token"], ids=["missing", "wrong"])
@pytest.mark.parametrize("url, fields", ADMIN_POSTS)
def test_admin_post_without_the_csrf_token_is_refused_and_changes_nothing(
        admin_webapp, alice, add_user, web_site, url, fields, token):
    add_user("bob")
    before = site_state(web_site)
    if token is not None:
        fields = {**fields, "csrf_token": token}
    admin_webapp.post(url, fields, status=400)
    assert site_state(web_site) == before


def test_admin_sees_the_overview(admin_webapp, alice):
    page = admin_webapp.get("/admin")
    assert "2 users · 0 projects" in page.html.select_one("p.lead").get_text()
    assert page.html.select_one('input[name="mode"][checked]')["value"] == "open"
    assert "0 unused single-use codes." in page.text


# Signup modes and invite codes.

def test_signup_mode_is_saved_and_shown(admin_webapp, web_site):
    page = set_signup_mode(admin_webapp, "invite-only")
    assert site_state(web_site)["signup mode"] == sitesettings.SignupMode.INVITE_ONLY
    assert page.html.select_one('input[name="mode"][checked]')["value"] == "invite-only"


def test_unknown_signup_mode_changes_nothing(admin_webapp, web_site):
    response = admin_post(admin_webapp, "/admin/signup", {"mode": "everyone"})
    assert "Choose open, invite-only or closed." in flashes(response.follow())
    assert site_state(web_site)["signup mode"] == sitesettings.SignupMode.OPEN


def test_closed_site_refuses_signup(admin_webapp, webapp, web_site):
    set_signup_mode(admin_webapp, "closed")
    assert "Sign-ups are closed on this site." in webapp.get("/signup").text
    response = sign_up_without_form(webapp, "dora")
    assert response.status_int == 400
    assert "Sign-ups are closed on this site." in response.text
    assert account(web_site, "dora") is None


def test_invite_only_site_takes_each_code_once(admin_webapp, app_factory, web_site):
    set_signup_mode(admin_webapp, "invite-only")
    refused = app_factory().sign_up("dora")
    assert refused.status_int == 400
    assert "invite-only: enter a valid, unused invite code" in field_error(
        refused, "invite_code")
    assert account(web_site, "dora") is None

    [code] = create_invite_codes(admin_webapp, 1)
    assert "1 unused single-use codes." in admin_webapp.get("/admin").text
    assert app_factory().sign_up("dora", invite_code=code).status_int == 303
    assert account(web_site, "dora").is_active
    assert site_state(web_site)["unused codes"] == 0

    again = app_factory().sign_up("erin", invite_code=code)
    assert again.status_int == 400
    assert "valid, unused invite code" in field_error(again, "invite_code")
    assert account(web_site, "erin") is None


def test_invite_codes_are_shown_once_and_are_distinct(admin_webapp, web_site):
    codes = create_invite_codes(admin_webapp, 3)
    assert len(set(codes)) == 3
    assert site_state(web_site)["unused codes"] == 3
    assert not admin_webapp.get("/admin").html.select("ul.codes code")


def test_open_site_lets_anyone_sign_up(admin_webapp, webapp, web_site):
    set_signup_mode(admin_webapp, "closed")
    set_signup_mode(admin_webapp, "open")
    assert webapp.sign_up("dora").status_int == 303
    assert account(web_site, "dora") is not None
    assert webapp.get("/dashboard").status_int == 200


@pytest.mark.parametrize("count", ["0", "101"])
def test_invite_code_count_out_of_range_is_refused(admin_webapp, web_site, count):
    page = admin_post(admin_webapp, "/admin/signup", {"count": count})
    assert page.status_int == 400
    assert field_error(page, "count") == "From 1 to 100."
    assert site_state(web_site)["unused codes"] == 0


# The project cap and its waitlist.

def test_project_cap_refuses_one_more_project_and_offers_the_waitlist(
        admin_webapp, alice, web_site):
    assert create_project(alice, "alpha").status_int == 303
    with web_site.reading() as db:
        current = sitesettings.project_count(db)
    page = set_project_cap(admin_webapp, str(current))
    assert "Project cap saved." in flashes(page)
    assert site_state(web_site)["project cap"] == current == 1
    assert f"{current} projects of at most {current}" in page.text

    refused = create_project(alice, "beta")
    assert refused.status_int == 400
    assert "This site has reached its limit of projects." in refused.text
    assert refused.html.select_one('form[action="/dashboard/waitlist"]') is not None
    assert refused.html.select_one('form[action="/dashboard/new"]') is None
    assert project_names(web_site) == {"alpha"}

    joined = alice.submit("/dashboard/waitlist",
                          {"project_name": "beta", "note": "Our team's wiki"},
                          form_page="/dashboard/new")
    assert joined.status_int == 303
    [entry] = table_rows(admin_webapp.get("/admin"))
    assert entry[:3] == ["alice (alice@example.com)", "beta", "Our team's wiki"]


def test_empty_cap_lifts_the_limit(admin_webapp, alice, web_site):
    set_project_cap(admin_webapp, "0")
    assert create_project(alice, "alpha").status_int == 400
    page = set_project_cap(admin_webapp, "")
    assert "No project cap." in flashes(page)
    assert site_state(web_site)["project cap"] is None
    assert create_project(alice, "alpha").status_int == 303
    assert project_names(web_site) == {"alpha"}


@pytest.mark.parametrize("cap, message", [("-1", "Enter 0 or more."),
                                          ("abc", "Not a valid integer value.")])
def test_invalid_cap_is_refused_next_to_the_field(admin_webapp, web_site, cap, message):
    set_project_cap(admin_webapp, "5")
    page = admin_post(admin_webapp, "/admin/cap", {"cap": cap})
    assert page.status_int == 400
    assert field_error(page, "cap") == message
    assert site_state(web_site)["project cap"] == 5


# Users.

def test_user_search_finds_by_name_and_by_email(admin_webapp, alice, add_user, web_site):
    add_user("bob")
    with web_site.unit_of_work() as db:
        users.add_user(db, "carol", "cz@Elsewhere.org", "a-good-password")
    assert listed_usernames(admin_webapp.get("/admin/users?q=ali")) == ["alice"]
    assert listed_usernames(admin_webapp.get("/admin/users?q=elsewhere.ORG")) == ["carol"]
    assert listed_usernames(admin_webapp.get("/admin/users?q=nobody")) == []
    everyone = admin_webapp.get("/admin/users")
    assert listed_usernames(everyone) == ["alice", "bob", "carol", "root-admin"]
    assert everyone.html.find(id="q")["value"] == ""


def test_disable_ends_the_session_at_once_and_enable_restores(
        admin_webapp, alice, app_factory, web_site):
    assert alice.get("/dashboard").status_int == 200
    page = user_action(admin_webapp, "alice", "disable")
    assert "alice is disabled." in flashes(page)
    assert not account(web_site, "alice").is_active
    assert ["alice", "alice@example.com", "disabled"] == table_rows(page)[0][:3]

    response = alice.get("/dashboard", status=303)
    assert login_redirect(response) == ("/login", ["/dashboard"])
    assert "Wrong username or password." in failed_login(app_factory(), "alice").text
    refused = app_factory().submit("/login", {"username": "alice",
                                              "password": "a-good-password"})
    assert refused.status_int == 400

    page = user_action(admin_webapp, "alice", "enable")
    assert "alice is enabled." in flashes(page)
    assert account(web_site, "alice").is_active
    again = app_factory()
    again.log_in("alice")
    assert again.get("/dashboard").status_int == 200


def test_make_admin_opens_admin_and_revoke_closes_it(admin_webapp, alice, web_site):
    alice.get("/admin", status=403)
    assert "alice is a site admin." in flashes(user_action(admin_webapp, "alice",
                                                           "make-admin"))
    assert account(web_site, "alice").is_admin
    assert alice.get("/admin").status_int == 200

    assert "alice is no longer a site admin." in flashes(
        user_action(admin_webapp, "alice", "revoke-admin"))
    assert not account(web_site, "alice").is_admin
    alice.get("/admin", status=403)


@pytest.mark.parametrize("action, message", [
    ("disable", "You cannot disable your own account."),
    ("revoke-admin", "You cannot remove admin rights from your own account."),
])
def test_admin_cannot_lock_themself_out(admin_webapp, web_site, action, message):
    before = site_state(web_site)
    assert message in flashes(user_action(admin_webapp, "root-admin", action))
    assert site_state(web_site) == before
    assert admin_webapp.get("/admin").status_int == 200


@pytest.mark.parametrize("username, action, message", [
    ("nobody", "disable", "No such user."),
    ("alice", "delete", "Unknown action."),
])
def test_unknown_user_or_action_changes_nothing(admin_webapp, alice, web_site,
                                                username, action, message):
    before = site_state(web_site)
    assert message in flashes(user_action(admin_webapp, username, action))
    assert site_state(web_site) == before


def test_reset_password_mails_a_link_that_sets_a_new_password(
        admin_webapp, alice, app_factory, mailbox):
    page = user_action(admin_webapp, "alice", "reset-password")
    assert "A password reset link is on its way to alice@example.com." in flashes(page)
    [message] = mailbox.wait_for(1)
    assert message["To"] == "alice@example.com"
    [link] = [urlsplit(url).path for url in mailbox.links() if "/reset/" in url]
    assert link.startswith("/reset/")

    stranger = app_factory()
    assert stranger.get(link).html.select_one('input[name="password"]') is not None
    done = stranger.submit(link, {"password": "a-brand-new-password"})
    assert done.status_int == 303
    assert urlsplit(done.headers["Location"]).path == "/login"

    failed_login(app_factory(), "alice")                      # the old password is gone
    app_factory().log_in("alice", "a-brand-new-password")
    # The link is spent, and the reset signed alice out everywhere.
    assert stranger.get(link).html.select_one('input[name="password"]') is None
    spent = stranger.submit(link, {"password": "yet-another-password"}, form_page="/login")
    assert spent.status_int == 400
    alice.get("/dashboard", status=303)


def test_reset_password_for_a_disabled_user_sends_nothing_and_says_so(
        admin_webapp, alice, web_site, mailbox):
    user_action(admin_webapp, "alice", "disable")
    before = site_state(web_site)
    page = user_action(admin_webapp, "alice", "reset-password")
    assert "alice is disabled; enable the account first." in flashes(page)
    assert site_state(web_site) == before
    assert mailbox.wait_for(1, timeout=1) == []


# Projects.

def test_projects_page_lists_every_project_with_owners_and_the_trash(
        admin_webapp, alice, web_site):
    assert create_project(alice, "alpha").status_int == 303
    assert create_project(alice, "beta", visibility="private").status_int == 303
    assert create_project(alice, "gamma").status_int == 303
    deleted = alice.submit("/dashboard/gamma/delete", {"confirm_name": "gamma"},
                           form_page="/dashboard/gamma")
    assert deleted.status_int == 303

    page = admin_webapp.get("/admin/projects")
    assert [row[:3] for row in table_rows(page)] == [["alpha", "alice", "public"],
                                                     ["beta", "alice", "private"]]
    assert page.html.select_one('a[href="/dashboard/beta"]') is not None
    trash = [li.get_text(" ", strip=True) for li in page.html.select("section.card li")]
    assert len(trash) == 1 and trash[0].startswith("gamma, deleted")


# The audit log.

def test_audit_log_shows_security_events(admin_webapp, alice, add_user, app_factory):
    add_user("bob")
    set_signup_mode(admin_webapp, "invite-only")
    assert create_project(alice, "alpha").status_int == 303
    added = alice.submit("/dashboard/alpha/members", {"username": "bob", "role": "developer"},
                         form_page="/dashboard/alpha")
    assert added.status_int == 303
    bob = app_factory()
    failed_login(bob, "bob")
    bob.log_in("bob")
    user_action(admin_webapp, "bob", "make-admin")

    rows = audit_rows(admin_webapp.get("/admin/audit"))
    ip = "192.0.2.10"
    for expected in [("signup", "alice", "alice", "", ip),
                     ("site.signup_mode", "root-admin", "site", "invite-only", ip),
                     ("project.created", "alice", "alpha", "public", ip),
                     ("member.added", "alice", "alpha", "bob as developer", ip),
                     ("signin.failed", "—", "bob", "form", ip),
                     ("signin", "bob", "bob", "", ip),
                     ("user.admin_granted", "root-admin", "bob", "", ip)]:
        assert expected in rows
    assert rows[0][0] == "user.admin_granted"                          # newest first


@pytest.mark.parametrize("prefix, events", [
    ("signin", {"signin", "signin.failed"}),
    ("member", {"member.added"}),
    ("site.", {"site.signup_mode", "site.project_cap"}),
])
def test_audit_event_filter_narrows_the_log(admin_webapp, alice, add_user, app_factory,
                                            prefix, events):
    add_user("bob")
    set_signup_mode(admin_webapp, "closed")
    set_project_cap(admin_webapp, "10")
    assert create_project(alice, "alpha").status_int == 303
    alice.submit("/dashboard/alpha/members", {"username": "bob", "role": "viewer"},
                 form_page="/dashboard/alpha")
    failed_login(app_factory(), "bob")
    app_factory().log_in("bob")

    page = admin_webapp.get(f"/admin/audit?event={prefix}")
    assert {row[0] for row in audit_rows(page)} == events
    assert page.html.find(id="event")["value"] == prefix


def test_audit_log_pages_by_a_hundred(admin_webapp, web_site):
    with web_site.unit_of_work() as db:
        for number in range(105):
            audit.record(db, audit.SIGNIN_FAILED, subject=f"user-{number:03}")

    first = admin_webapp.get("/admin/audit?event=signin.failed")
    subjects = [row[2] for row in audit_rows(first)]
    assert subjects == [f"user-{n:03}" for n in range(104, 4, -1)]
    assert first.html.find("a", string="Newer") is None
    older = first.html.find("a", string="Older")["href"]
    assert parse_qs(urlsplit(older).query) == {"page": ["1"], "event": ["signin.failed"]}

    second = admin_webapp.get(older)
    assert [row[2] for row in audit_rows(second)] == [f"user-{n:03}" for n in range(4, -1, -1)]
    assert second.html.find("a", string="Older") is None
    assert second.html.find("a", string="Newer") is not None

    assert len(audit_rows(admin_webapp.get("/admin/audit?page=abc"))) == 100


# Whatever people type shows as text on the admin pages.

@pytest.mark.parametrize("url", ["/admin", "/admin/audit",
                                 "/admin/audit?" + urlencode({"event": SCRIPT}),
                                 "/admin/users?" + urlencode({"q": SCRIPT})])
def test_admin_pages_escape_what_people_typed(admin_webapp, alice, app_factory, url):
    failed_login(app_factory(), SCRIPT)
    joined = alice.submit("/dashboard/waitlist", {"project_name": SCRIPT, "note": SCRIPT},
                          form_page="/dashboard/new")
    assert joined.status_int == 303

    page = admin_webapp.get(url)
    assert ESCAPED_SCRIPT in page.text
    assert "<script>" not in page.text
