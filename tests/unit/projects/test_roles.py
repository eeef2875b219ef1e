import pytest

from devjavu.accounts.users import get_user, set_active
from devjavu.clock import utcnow
from devjavu.models import Membership, Project, Role
from devjavu.projects.roles import (SVN_ACCESS, TRAC_ACTIONS, TRAC_VIEW_ACTIONS, parse_role,
                                    project_access, trac_allows)


def test_svn_access_by_role():
    assert SVN_ACCESS == {Role.OWNER: "rw", Role.DEVELOPER: "rw", Role.VIEWER: "r"}


@pytest.mark.parametrize("action,owner,developer,viewer,outsider", [
    ("WIKI_VIEW", True, True, True, True),
    ("TIMELINE_VIEW", True, True, True, True),
    ("TICKET_CREATE", True, True, True, False),
    ("TICKET_APPEND", True, True, True, False),
    ("TICKET_MODIFY", True, True, False, False),
    ("WIKI_MODIFY", True, True, False, False),
    ("WIKI_CREATE", True, True, False, False),
    ("TICKET_ADMIN", True, False, False, False),
    ("MILESTONE_ADMIN", True, False, False, False),
    ("REPORT_ADMIN", True, False, False, False),
    ("WIKI_ADMIN", True, False, False, False),
    ("WIKI_DELETE", True, False, False, False),
    ("EMAIL_VIEW", True, True, False, False),
    # What reaches beyond the project: code, files, logging, repositories, permissions.
    ("TRAC_ADMIN", False, False, False, False),
    ("CONFIG_VIEW", False, False, False, False),
    ("PERMISSION_GRANT", False, False, False, False),
    ("PERMISSION_ADMIN", False, False, False, False),
    ("VERSIONCONTROL_ADMIN", False, False, False, False),
    ("SOME_PLUGIN_ACTION", False, False, False, False),
])
def test_trac_actions_by_role(action, owner, developer, viewer, outsider):
    assert [trac_allows(role, action) for role in
            (Role.OWNER, Role.DEVELOPER, Role.VIEWER, None)] == \
        [owner, developer, viewer, outsider]


@pytest.mark.parametrize("action,attached_to,owner,developer,viewer,outsider", [
    ("ATTACHMENT_VIEW", "ticket", True, True, True, True),
    ("ATTACHMENT_VIEW", "wiki", True, True, True, True),
    ("ATTACHMENT_CREATE", "ticket", True, True, True, False),
    ("ATTACHMENT_CREATE", "wiki", True, True, False, False),
    ("ATTACHMENT_CREATE", "milestone", True, True, False, False),
    ("ATTACHMENT_DELETE", "ticket", True, False, False, False),
    ("ATTACHMENT_VIEW", None, False, False, False, False),
    ("ATTACHMENT_VIEW", "changeset", False, False, False, False),
])
def test_attachments_follow_what_they_are_attached_to(action, attached_to, owner,
                                                      developer, viewer, outsider):
    assert [trac_allows(role, action, attached_to) for role in
            (Role.OWNER, Role.DEVELOPER, Role.VIEWER, None)] == \
        [owner, developer, viewer, outsider]


def test_every_role_is_a_subset_of_the_next():
    assert TRAC_ACTIONS[None] < TRAC_ACTIONS[Role.VIEWER] < TRAC_ACTIONS[Role.DEVELOPER] \
        < TRAC_ACTIONS[Role.OWNER]


def test_outsiders_only_view():
    assert all(action.endswith("_VIEW") for action in TRAC_VIEW_ACTIONS)


def test_parse_role():
    assert parse_role("viewer") is Role.VIEWER
    with pytest.raises(ValueError, match="Unknown role 'boss'.*owner, developer, viewer"):
        parse_role("boss")


def test_project_access_is_what_the_database_says_at_each_call(site, make_user):
    """Every Trac page starts with this lookup; a change is seen by the next call."""
    make_user("amy")
    make_user("bob")
    make_user("ada", admin=True)
    with site.unit_of_work() as db:
        amy = get_user(db, "amy")
        for name, private in (("open", False), ("closed", True)):
            project = Project(name=name, description="", is_private=private)
            db.add(project)
            db.add(Membership(project=project, user=amy, role=Role.VIEWER))

    def access(username, name):
        with site.reading() as db:
            user = get_user(db, username) if username else None
            return project_access(db.connection(), user, name)

    assert access(None, "open") == (True, None)
    assert access(None, "closed") == (False, None)
    assert access("bob", "closed") == (False, None)
    assert access("amy", "closed") == (True, Role.VIEWER)
    assert access("ada", "closed") == (True, Role.OWNER)
    assert access("amy", "missing") == (False, None)
    with site.unit_of_work() as db:
        set_active(db, get_user(db, "amy"), False)
    assert access("amy", "closed") == (False, None)
    assert access("amy", "open") == (True, None)
    with site.unit_of_work() as db:
        db.query(Project).filter_by(name="open").one().deleted_at = utcnow()
    assert access(None, "open") == (False, None)
    assert access("ada", "open") == (False, None)
