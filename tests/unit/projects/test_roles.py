import pytest

from devjavu.models import Role
from devjavu.projects.roles import (SVN_ACCESS, TRAC_VIEW_ACTIONS, parse_role,
                                    trac_allows)


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
    ("TRAC_ADMIN", True, False, False, False),
    ("PERMISSION_GRANT", True, False, False, False),
    ("WIKI_ADMIN", True, False, False, False),
    ("EMAIL_VIEW", True, True, False, False),
    ("SOME_PLUGIN_ACTION", True, False, False, False),
])
def test_trac_actions_by_role(action, owner, developer, viewer, outsider):
    assert [trac_allows(role, action) for role in
            (Role.OWNER, Role.DEVELOPER, Role.VIEWER, None)] == \
        [owner, developer, viewer, outsider]


def test_outsiders_only_view():
    assert all(action.endswith("_VIEW") for action in TRAC_VIEW_ACTIONS)


def test_parse_role():
    assert parse_role("viewer") is Role.VIEWER
    with pytest.raises(ValueError, match="Unknown role 'boss'.*owner, developer, viewer"):
        parse_role("boss")
