"""Members and roles: who may change them, and what the services refuse."""
import pytest

from devjavu.authz import install
from devjavu.projects import service


def _browser_for(app_factory, name):
    b = app_factory()
    b.log_in(name)
    return b


@pytest.fixture
def project(app_factory, add_user, web_site):
    add_user("amy")
    for name in ("vic", "dev", "bob"):
        add_user(name)
    amy = _browser_for(app_factory, "amy")
    amy.submit("/dashboard/new", {"name": "demo", "description": "", "visibility": "public"})
    amy.submit("/dashboard/demo/members", {"username": "vic", "role": "viewer"},
               form_page="/dashboard/demo")
    amy.submit("/dashboard/demo/members", {"username": "dev", "role": "developer"},
               form_page="/dashboard/demo")
    return amy


def _roles(web_site):
    with web_site.reading() as db:
        project = service.get_project(db, "demo")
        return {m.user.username: str(m.role) for m in project.memberships}


def test_owner_adds_changes_and_removes_members(project, web_site, mailbox):
    project.submit("/dashboard/demo/members", {"username": "bob", "role": "viewer"},
                   form_page="/dashboard/demo")
    assert _roles(web_site)["bob"] == "viewer"
    assert "bob = r\n" in install.authz_path(web_site.settings, "demo").read_text()
    notice = [m for m in mailbox.wait_for(1) if m["To"] == "bob@example.com"]
    assert notice and "viewer of demo" in notice[0]["Subject"]
    project.submit("/dashboard/demo/members/bob", {"role": "developer"},
                   form_page="/dashboard/demo")
    assert _roles(web_site)["bob"] == "developer"
    project.submit("/dashboard/demo/members/bob", {"action": "remove"},
                   form_page="/dashboard/demo")
    assert "bob" not in _roles(web_site)
    assert "bob" not in install.authz_path(web_site.settings, "demo").read_text()


@pytest.mark.parametrize("fields,message", [
    ({"username": "ghost", "role": "viewer"}, "No user named"),
    ({"username": "vic", "role": "viewer"}, "already a member"),
    ({"username": "bob", "role": "boss"}, "Not a valid choice"),
    ({"username": "", "role": "viewer"}, "Enter a username"),
])
def test_bad_member_input_changes_nothing(project, web_site, fields, message):
    before = _roles(web_site)
    page = project.submit("/dashboard/demo/members", fields, form_page="/dashboard/demo")
    assert page.status_int == 400 and message in page.text
    assert _roles(web_site) == before


def test_last_owner_cannot_leave(project, web_site):
    response = project.submit("/dashboard/demo/members/amy", {"action": "remove"},
                              form_page="/dashboard/demo").follow()
    assert "last owner" in response.text
    response = project.submit("/dashboard/demo/members/amy", {"role": "viewer"},
                              form_page="/dashboard/demo").follow()
    assert "last owner" in response.text
    assert _roles(web_site)["amy"] == "owner"


@pytest.mark.parametrize("who", ["vic", "dev"])
def test_members_who_are_not_owners_get_403_on_every_change(project, app_factory,
                                                            web_site, who):
    b = _browser_for(app_factory, who)
    assert b.get("/dashboard/demo").status_int == 200        # may look
    assert "Add member" not in b.get("/dashboard/demo").text
    token = b.csrf("/dashboard/demo")
    before = _roles(web_site)
    for url, fields in [("/dashboard/demo/members", {"username": "bob", "role": "owner"}),
                        ("/dashboard/demo/members/amy", {"action": "remove"}),
                        ("/dashboard/demo/members/vic", {"role": "owner"}),
                        ("/dashboard/demo/invitations", {"email": "x@example.com",
                                                         "role": "owner"}),
                        ("/dashboard/demo/transfer", {"username": who}),
                        ("/dashboard/demo/delete", {"confirm_name": "demo"}),
                        ("/dashboard/demo", {"description": "x", "visibility": "private"})]:
        b.post(url, {"csrf_token": token, **fields}, status=403)
    assert _roles(web_site) == before
    with web_site.reading() as db:
        assert service.get_project(db, "demo").is_private is False


def test_site_admin_manages_any_project(project, app_factory, add_user, web_site):
    add_user("sysop", admin=True)
    admin = _browser_for(app_factory, "sysop")
    admin.submit("/dashboard/demo/members", {"username": "bob", "role": "viewer"},
                 form_page="/dashboard/demo")
    assert _roles(web_site)["bob"] == "viewer"
