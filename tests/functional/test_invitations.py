"""Inviting by email: the link works for a new user (even when sign-ups are closed)
and for an existing one, once."""
import re

import pytest
from sqlalchemy import select

from devjavu import sitesettings
from devjavu.accounts import users
from devjavu.models import Invitation, User
from devjavu.projects import invitations, service


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


def _users(web_site):
    with web_site.reading() as db:
        return sorted(db.scalars(select(User.username)))


def _accepted(web_site):
    with web_site.reading() as db:
        return [i.accepted_at is not None for i in db.scalars(select(Invitation))]


def _sign_up_from(guest, link, username, email, form_page=None):
    return guest.submit("/signup", {"username": username, "email": email,
                                    "password": "newbie-password", "came_from": link},
                        form_page=form_page or f"/signup?came_from={link}")


def test_new_user_signs_up_through_the_invitation(app_factory, web_site, mailbox):
    owner = _owner(app_factory)
    with web_site.unit_of_work() as db:
        sitesettings.set_signup_mode(db, sitesettings.SignupMode.CLOSED)
    link = _invite(owner, mailbox, "newbie@example.com", role="viewer")
    guest = app_factory()
    page = guest.get(link)
    assert "Join demo" in page.text and "viewer" in page.text
    assert "the email address it was sent to" in guest.get(f"/signup?came_from={link}").text
    closed = guest.submit("/signup", {"username": "newbie", "email": "newbie@example.com",
                                      "password": "newbie-password"}, form_page="/login")
    assert closed.status_int == 400 and "closed" in closed.text
    response = _sign_up_from(guest, link, "newbie", "NewBie@Example.com")
    assert response.status_int == 303 and response.location.endswith("/dashboard/demo")
    assert _role(web_site, "newbie") == "viewer"      # a member at once: no second step
    assert "Welcome to demo" in guest.get("/dashboard/demo").text
    assert _accepted(web_site) == [True]
    assert "used, has expired" in app_factory().get(link, status=404).text


@pytest.mark.parametrize("mode", [sitesettings.SignupMode.CLOSED,
                                  sitesettings.SignupMode.INVITE_ONLY])
def test_an_invitation_admits_its_own_address_once(app_factory, web_site, mailbox, mode):
    owner = _owner(app_factory)
    with web_site.unit_of_work() as db:
        sitesettings.set_signup_mode(db, mode)
    link = _invite(owner, mailbox, "newbie@example.com", role="developer")
    before = _users(web_site)
    # The attack: any address, any number of accounts, through one pending invitation.
    for name in ("mallory", "mallory2", "mallory3"):
        refused = _sign_up_from(app_factory(), link, name, f"{name}@evil.example")
        assert refused.status_int == 400
        assert "admits only the email address it was sent to" in refused.text
    assert _users(web_site) == before and _accepted(web_site) == [False]
    assert _role(web_site, "mallory") is None

    assert _sign_up_from(app_factory(), link, "newbie", "newbie@example.com"
                         ).status_int == 303
    assert _role(web_site, "newbie") == "developer" and _accepted(web_site) == [True]
    # Used up: the same link and address make no second account.
    again = _sign_up_from(app_factory(), link, "newbie2", "newbie@example.com",
                          form_page="/login")       # a closed site shows no signup form
    assert again.status_int == 400
    assert _users(web_site) == sorted(before + ["newbie"])


def test_an_open_site_signs_up_another_address_without_the_invitation(
        app_factory, web_site, mailbox):
    owner = _owner(app_factory)
    link = _invite(owner, mailbox, "newbie@example.com")
    guest = app_factory()
    response = _sign_up_from(guest, link, "other", "other@example.com")
    assert response.status_int == 303 and response.location.endswith(link)
    assert _role(web_site, "other") is None and _accepted(web_site) == [False]


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


def test_unknown_invitation_is_a_404(webapp):
    assert "Invitation not found" in webapp.get("/invite/nothing-here", status=404).text


def test_one_link_used_twice_at_once_admits_one(app_factory, web_site, mailbox, add_user):
    owner = _owner(app_factory)
    link = _invite(owner, mailbox, "newbie@example.com")
    token = link.rsplit("/", 1)[1]
    add_user("bob")
    add_user("carl")
    # Both requests found the invitation pending; the one that commits second loses.
    with web_site.session_factory() as first, web_site.session_factory() as second:
        seen_first = invitations.pending_invitation(first, token)
        seen_second = invitations.pending_invitation(second, token)
        invitations.accept(first, seen_first, users.find_user(first, "bob"))
        first.commit()
        with pytest.raises(invitations.InvitationError):
            invitations.accept(second, seen_second, users.find_user(second, "carl"))
        second.rollback()
    assert _role(web_site, "bob") == "developer" and _role(web_site, "carl") is None
