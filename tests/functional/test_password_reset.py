"""Password reset, attacked through the real dashboard and a real SMTP server: the
request does the same work for any address, the limits hold, a new password ends every
other link, and the tokens can go with the old password."""
import base64
import re
import threading
from datetime import timedelta

import pytest
from sqlalchemy import event, select

from devjavu import audit, mail
from devjavu.clock import utcnow
from devjavu.models import AccessToken

RESET_SENT = "on its way"


def _ask(webapp, email):
    page = webapp.submit("/reset", {"email": email})
    assert page.status_int == 200 and RESET_SENT in page.text
    return page


def _links(mailbox, to="amy@example.com") -> list[str]:
    assert mail.sender.wait_until_idle()
    return ["/reset/" + url.rsplit("/reset/", 1)[1] for m in mailbox.messages
            if m["To"] == to for url in re.findall(r"http\S+/reset/\S+", m.get_payload())]


def _events(web_site, event_name) -> list[tuple[str, str, str]]:
    """(subject, client address, detail) of each such event, newest first."""
    with web_site.reading() as db:
        return [(e.subject, e.ip_address, e.detail)
                for e in audit.recent(db, event_prefix=event_name)]


def test_the_fourth_reset_request_in_an_hour_sends_no_mail(app_factory, add_user,
                                                           mailbox, web_site):
    """Each from its own client address, so only the per-account limit stops it."""
    add_user("amy")
    pages = [_ask(app_factory(REMOTE_ADDR=f"198.51.100.{n}"), "amy@example.com").text
             for n in range(1, 5)]
    assert len(_links(mailbox)) == 3
    assert len(mailbox.messages) == 3
    [(subject, client, _)] = _events(web_site, audit.PASSWORD_RESET_LIMITED)
    assert (subject, client) == ("amy", "198.51.100.4")
    assert _answer(pages[3]) == _answer(pages[0])        # the same answer


def test_one_client_cannot_send_reset_requests_without_limit(app_factory, add_user,
                                                             mailbox, web_site):
    add_user("amy")
    client = app_factory(REMOTE_ADDR="198.51.100.9")
    for n in range(10):
        _ask(client, f"nobody{n}@example.com")
    _ask(client, "amy@example.com")                       # the 11th: nothing handed off
    assert _links(mailbox) == []
    [(subject, client, _)] = _events(web_site, audit.PASSWORD_RESET_LIMITED)
    assert (subject, client) == ("", "198.51.100.9")
    _ask(app_factory(REMOTE_ADDR="198.51.100.10"), "amy@example.com")
    assert len(_links(mailbox)) == 1                       # other clients still can


def _answer(page_text: str) -> str:
    return re.sub(r'name="csrf_token" value="[^"]+"', "", page_text)


def test_known_and_unknown_addresses_do_the_same_work_in_the_request(
        app_factory, add_user, mailbox, web_site):
    """The request's SQL statements (on the request's thread) and its hand-offs to the
    mail sender are the same for an address with an account and one without; the
    lookup, the link and the mail happen on the sender thread."""
    add_user("amy")
    request_thread = threading.get_ident()
    statements: list[str] = []

    def on_request_thread(conn, cursor, statement, parameters, context, executemany):
        if threading.get_ident() == request_thread:
            statements.append(statement)

    def work_for(email, client):
        b = app_factory(REMOTE_ADDR=client)
        token_page = b.get("/reset")
        token = re.search(r'name="csrf_token" value="([^"]+)"', token_page.text).group(1)
        assert mail.sender.wait_until_idle()
        statements.clear()
        before = mail.sender.handed_off
        page = b.post("/reset", {"csrf_token": token, "email": email})
        return list(statements), mail.sender.handed_off - before, _answer(page.text)

    event.listen(web_site.engine, "before_cursor_execute", on_request_thread)
    try:
        known = work_for("amy@example.com", "198.51.100.1")
        unknown = work_for("nobody@example.com", "198.51.100.2")
    finally:
        event.remove(web_site.engine, "before_cursor_execute", on_request_thread)
    assert known == unknown
    assert known[1] == 1 and any(s.startswith("INSERT INTO audit_events") for s in known[0])
    assert not any("users" in s or "password_resets" in s for s in known[0])
    assert len(_links(mailbox)) == 1                       # amy's, from the sender thread


def test_a_completed_reset_ends_every_other_reset_link(app_factory, add_user, mailbox):
    add_user("amy")
    _ask(app_factory(), "amy@example.com")
    _ask(app_factory(), "amy@example.com")
    first, second = _links(mailbox)
    stranger = app_factory()
    done = stranger.submit(second, {"password": "a-new-password", "revoke_tokens": "y"})
    assert done.status_int == 303
    old = stranger.submit(first, {"password": "attackers-password"}, form_page="/reset")
    assert old.status_int == 400 and "used up or has expired" in old.text
    app_factory().log_in("amy", "a-new-password")


def test_a_password_change_ends_reset_links(app_factory, add_user, mailbox):
    add_user("amy")
    _ask(app_factory(), "amy@example.com")
    [link] = _links(mailbox)
    amy = app_factory()
    amy.log_in("amy")
    amy.submit("/account/password", {"current_password": "a-good-password",
                                     "new_password": "brand-new-password"},
               form_page="/account")
    stranger = app_factory()
    assert "used up or has expired" in stranger.get(link).text
    old = stranger.submit(link, {"password": "attackers-password"}, form_page="/reset")
    assert old.status_int == 400
    app_factory().log_in("amy", "brand-new-password")


def _project_with_token(app_factory, name="amy"):
    """amy's private project, and a token of hers that reads it over Trac Basic."""
    amy = app_factory()
    amy.sign_up(name)
    amy.submit("/dashboard/new", {"name": "demo", "description": "", "visibility": "private"})
    page = amy.submit("/account/tokens", {"name": "ci", "expires": "never",
                                          "password": "a-good-password"})
    token = re.search(r'id="new-token">(djv_[^<]+)<', page.text).group(1)
    assert _trac_basic(app_factory, token).status_int == 200
    return amy, token


def _trac_basic(app_factory, token):
    credentials = base64.b64encode(f"amy:{token}".encode()).decode()
    return app_factory().get("/demo/", headers={"Authorization": f"Basic {credentials}"},
                             status="*")


@pytest.mark.parametrize("ticked", [True, False])
def test_a_reset_revokes_the_tokens_when_ticked(app_factory, mailbox, web_site, ticked):
    _, token = _project_with_token(app_factory)
    mailbox.messages.clear()
    _ask(app_factory(), "amy@example.com")
    [link] = _links(mailbox)
    form = app_factory().get(link)
    assert form.html.select_one('input[name="revoke_tokens"]').has_attr("checked")
    fields = {"password": "a-new-password", **({"revoke_tokens": "y"} if ticked else {})}
    assert app_factory().submit(link, fields).status_int == 303
    assert _trac_basic(app_factory, token).status_int == (401 if ticked else 200)
    revoked = _events(web_site, audit.TOKEN_REVOKED)
    assert [detail for _, _, detail in revoked] == (["ci (with a password reset)"]
                                                    if ticked else [])


@pytest.mark.parametrize("ticked", [True, False])
def test_a_password_change_revokes_the_tokens_when_ticked(app_factory, web_site, ticked):
    amy, token = _project_with_token(app_factory)
    assert amy.get("/account").html.select_one(
        'input[name="revoke_tokens"]').has_attr("checked")
    fields = {"current_password": "a-good-password", "new_password": "brand-new-password",
              **({"revoke_tokens": "y"} if ticked else {})}
    assert amy.submit("/account/password", fields, form_page="/account").status_int == 303
    assert _trac_basic(app_factory, token).status_int == (401 if ticked else 200)
    with web_site.reading() as db:
        [row] = db.scalars(select(AccessToken)).all()
        assert (row.revoked_at is not None) == ticked


def test_the_old_address_hears_of_a_password_or_email_change(app_factory, add_user,
                                                             mailbox):
    add_user("amy")
    amy = app_factory()
    amy.log_in("amy")
    amy.submit("/account/password", {"current_password": "a-good-password",
                                     "new_password": "brand-new-password"},
               form_page="/account")
    amy.submit("/account/email", {"email": "amy@new.example",
                                  "current_password": "brand-new-password"},
               form_page="/account")
    assert mail.sender.wait_until_idle()
    notices = {m["Subject"]: m for m in mailbox.messages}
    assert set(notices) == {"Your DevjaVu password was changed",
                            "Your DevjaVu email address was changed"}
    assert all(m["To"] == "amy@example.com" for m in notices.values())
    notice = notices["Your DevjaVu email address was changed"]
    assert "amy@new.example" in notice.get_payload(decode=True).decode()


def test_a_reset_by_link_tells_the_address(app_factory, add_user, mailbox):
    add_user("amy")
    _ask(app_factory(), "amy@example.com")
    [link] = _links(mailbox)
    app_factory().submit(link, {"password": "a-new-password"})
    assert mail.sender.wait_until_idle()
    assert [m["Subject"] for m in mailbox.messages] == [
        "Reset your DevjaVu password", "Your DevjaVu password was changed"]


def test_links_older_than_the_window_do_not_count(app_factory, add_user, mailbox,
                                                  web_site):
    add_user("amy")
    for _ in range(3):
        _ask(app_factory(), "amy@example.com")
    assert len(_links(mailbox)) == 3
    with web_site.unit_of_work() as db:                    # an hour passes
        for entry in audit.recent(db):
            entry.at = utcnow() - timedelta(hours=1, minutes=1)
    _ask(app_factory(), "amy@example.com")
    assert len(_links(mailbox)) == 4
