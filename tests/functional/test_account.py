"""The account page and personal access tokens."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from devjavu import audit
from devjavu.accounts import users
from devjavu.accounts.passwords import verify_password
from devjavu.clock import utcnow
from devjavu.models import AccessToken
from devjavu.accounts.credentials import CredentialChecker
from devjavu.accounts.sessions import COOKIE_NAME


def test_account_pages_need_a_login(webapp):
    for url in ("/account", "/account/tokens"):
        response = webapp.get(url)
        assert response.status_int == 303 and "/login?came_from=" in response.location


def test_change_email_needs_the_current_password(webapp, web_site):
    webapp.sign_up("amy")
    page = webapp.submit("/account/email", {"email": "new@example.com",
                                             "current_password": "wrong-password"},
                          form_page="/account")
    assert page.status_int == 400 and "current password is not right" in page.text
    assert 'value="new@example.com"' in page.text
    webapp.submit("/account/email", {"email": "new@example.com",
                                      "current_password": "a-good-password"},
                   form_page="/account")
    with web_site.reading() as db:
        assert users.get_user(db, "amy").email == "new@example.com"


def test_change_password_ends_other_sessions_but_this_one(app_factory, add_user):
    add_user("amy")
    here, elsewhere = app_factory(), app_factory()
    here.log_in("amy")
    elsewhere.log_in("amy")
    bad = here.submit("/account/password", {"current_password": "a-good-password",
                                            "new_password": "short"}, form_page="/account")
    assert bad.status_int == 400 and "at least 8" in bad.text
    here.submit("/account/password", {"current_password": "a-good-password",
                                      "new_password": "brand-new-password"},
                form_page="/account")
    assert here.get("/account").status_int == 200
    assert elsewhere.get("/account").status_int == 303
    app_factory().log_in("amy", "brand-new-password")


def test_recent_sign_ins_are_listed(app_factory, add_user):
    add_user("amy")
    app_factory().submit("/login", {"username": "amy", "password": "wrong-password"})
    b = app_factory()
    b.log_in("amy")
    page = b.get("/account")
    assert "Failed sign-in" in page.text and "Signed in" in page.text


def test_token_is_shown_once_stored_hashed_and_revocable(webapp, web_site):
    webapp.sign_up("amy")
    page = webapp.submit("/account/tokens", {"name": "laptop svn",
                                              "password": "a-good-password"})
    token = re.search(r'id="new-token">(djv_[^<]+)<', page.text).group(1)
    assert page.headers["Cache-Control"] == "no-store"
    listing = webapp.get("/account/tokens")
    assert "laptop svn" in listing.text and token not in listing.text
    checker = CredentialChecker()
    with web_site.session_factory() as db:
        assert checker.check(db, "amy", token).username == "amy"
        assert token not in repr(users.get_user(db, "amy").__dict__)
        db.commit()
    listing = webapp.get("/account/tokens")
    assert re.search(r"<td>\d{4}-\d\d-\d\d \d\d:\d\d</td>\s*<td>\s*<form", listing.text)
    token_id = re.search(r'/account/tokens/(\d+)/revoke', listing.text).group(1)
    webapp.submit(f"/account/tokens/{token_id}/revoke", {}, form_page="/account/tokens")
    with web_site.reading() as db:
        assert checker.check(db, "amy", token) is None
    assert "<td>laptop svn</td>" not in webapp.get("/account/tokens").text


def test_token_names_are_checked(webapp):
    webapp.sign_up("amy")
    password = {"password": "a-good-password"}
    assert webapp.submit("/account/tokens", {"name": "", **password}).status_int == 400
    assert webapp.submit("/account/tokens", {"name": "x" * 65, **password}
                          ).status_int == 400
    webapp.submit("/account/tokens", {"name": "ci", **password})
    again = webapp.submit("/account/tokens", {"name": "ci", **password})
    assert again.status_int == 400 and "already have a token" in again.text


def test_someone_elses_token_cannot_be_revoked(app_factory, web_site):
    amy, bob = app_factory(), app_factory()
    amy.sign_up("amy")
    bob.sign_up("bob")
    page = amy.submit("/account/tokens", {"name": "mine", "password": "a-good-password"})
    token_id = re.search(r'/account/tokens/(\d+)/revoke', page.text).group(1)
    response = bob.submit(f"/account/tokens/{token_id}/revoke", {},
                          form_page="/account/tokens").follow()
    assert "No such token" in response.text
    assert "mine" in amy.get("/account/tokens").text


def test_disabled_account_session_stops_at_once(webapp, web_site):
    webapp.sign_up("amy")
    assert webapp.cookies.get(COOKIE_NAME)
    with web_site.unit_of_work() as db:
        users.set_active(db, users.get_user(db, "amy"), False)
    assert webapp.get("/dashboard").status_int == 303


def test_a_token_needs_the_password_and_a_wrong_one_counts_as_a_failed_sign_in(
        webapp, web_site):
    webapp.sign_up("amy")
    page = webapp.submit("/account/tokens", {"name": "ci", "password": "not-it"})
    assert page.status_int == 400 and "Your password is not right" in page.text
    assert "new-token" not in page.text
    missing = webapp.submit("/account/tokens", {"name": "ci"})
    assert missing.status_int == 400 and "Enter your password" in missing.text
    with web_site.reading() as db:
        assert db.scalars(select(AccessToken)).all() == []
        [failure] = audit.recent(db, event_prefix=audit.SIGNIN_FAILED, subject="amy")
        assert failure.ip_address == "192.0.2.10"
    assert "Failed sign-in" in webapp.get("/account").text


def test_expiry_is_chosen_from_the_offered_lifetimes(webapp, web_site):
    webapp.sign_up("amy")
    odd = webapp.submit("/account/tokens", {"name": "ci", "expires": "7",
                                             "password": "a-good-password"})
    assert odd.status_int == 400 and "Choose never, 30, 90 or 365 days" in odd.text
    webapp.submit("/account/tokens", {"name": "ci", "expires": "365",
                                       "password": "a-good-password"})
    with web_site.reading() as db:
        [token] = db.scalars(select(AccessToken)).all()
        assert token.expires_at - token.created_at == timedelta(days=365)
    assert 'class="expired"' not in webapp.get("/account/tokens").text
    with web_site.unit_of_work() as db:                  # a year passes
        db.scalar(select(AccessToken)).expires_at = utcnow() - timedelta(minutes=1)
    assert 'class="expired">expired' in webapp.get("/account/tokens").text


@pytest.mark.parametrize("target,form_page,secret,fields", [
    ("/account/password", "/account", "current_password",
     {"new_password": "another-good-one"}),
    ("/account/email", "/account", "current_password", {"email": "amy@elsewhere.example"}),
    ("/account/tokens", "/account/tokens", "password", {"name": "ci"}),
])
def test_a_stolen_session_cannot_guess_the_password_where_it_is_asked_again(
        webapp, web_site, target, form_page, secret, fields):
    """The password asked again on the account pages counts against the sign-in limit:
    after five wrong guesses even the right one waits, and nothing changes."""
    webapp.sign_up("amy")
    for n in range(5):
        page = webapp.submit(target, {**fields, secret: f"guess-{n}"}, form_page=form_page)
        assert page.status_int == 400 and "not right" in page.text
    held = webapp.submit(target, {**fields, secret: "a-good-password"},
                          form_page=form_page)
    assert held.status_int == 400 and "Too many failed sign-ins" in held.text
    with web_site.reading() as db:
        assert db.scalars(select(AccessToken)).all() == []
        amy = users.get_user(db, "amy")
        assert amy.email == "amy@example.com"
        assert verify_password(amy.password_hash, "a-good-password")
        assert len(audit.recent(db, event_prefix=audit.SIGNIN_FAILED, subject="amy")) == 5
