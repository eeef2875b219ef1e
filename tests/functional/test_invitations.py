"""Inviting by email: the link works for a new user (even when sign-ups are closed)
and for an existing one, once."""
import re

from devjavu import sitesettings
from devjavu.projects import service


def _invite(owner, mailbox, email, role="developer"):
    owner.submit("/dashboard/demo/invitations", {"email": email, "role": role},
                 form_page="/dashboard/demo")
    message = mailbox.wait_for(1)[-1]
    assert message["To"] == email
    return "/invite/" + re.search(r"/invite/(\S+)", message.get_payload()).group(1)


def _owner(app_factory):
    amy = app_factory()
    amy.sign_up("amy")
    amy.submit("/dashboard/new", {"name": "demo", "description": "", "visibility": "private"})
    return amy


def _role(web_site, username):
    with web_site.reading() as db:
        project = service.get_project(db, "demo")
        return {m.user.username: str(m.role) for m in project.memberships}.get(username)


def test_new_user_signs_up_through_the_invitation(app_factory, web_site, mailbox):
    owner = _owner(app_factory)
    with web_site.unit_of_work() as db:
        sitesettings.set_signup_mode(db, sitesettings.SignupMode.CLOSED)
    link = _invite(owner, mailbox, "newbie@example.com", role="viewer")
    guest = app_factory()
    page = guest.get(link)
    assert "Join demo" in page.text and "viewer" in page.text
    closed = guest.submit("/signup", {"username": "newbie", "email": "n@example.com",
                                      "password": "newbie-password"}, form_page="/login")
    assert closed.status_int == 400 and "closed" in closed.text
    response = guest.submit("/signup", {"username": "newbie", "email": "n@example.com",
                                        "password": "newbie-password", "came_from": link},
                            form_page=f"/signup?came_from={link}")
    assert response.location.endswith(link)
    guest.submit(link, {})
    assert _role(web_site, "newbie") == "viewer"
    assert guest.get("/dashboard/demo").status_int == 200
    assert "used, has expired" in app_factory().get(link, status=404).text


def test_existing_user_accepts_and_keeps_a_higher_role(app_factory, web_site, mailbox):
    owner = _owner(app_factory)
    bob = app_factory()
    bob.sign_up("bob")
    link = _invite(owner, mailbox, "bob@example.com")
    assert bob.get(link).status_int == 200
    bob.submit(link, {})
    assert _role(web_site, "bob") == "developer"


def test_invitation_needs_a_valid_email(app_factory, mailbox):
    owner = _owner(app_factory)
    page = owner.submit("/dashboard/demo/invitations", {"email": "nope", "role": "viewer"},
                        form_page="/dashboard/demo")
    assert page.status_int == 400 and "Invalid email" in page.text
    assert mailbox.wait_for(1, timeout=0.5) == []


def test_unknown_invitation_is_a_404(browser):
    assert "Invitation not found" in browser.get("/invite/nothing-here", status=404).text
