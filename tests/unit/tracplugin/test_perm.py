"""Every Trac action, for every role, through Trac's own PermissionSystem on a real
environment that inherits config/trac.ini, as Trac's pages ask for them."""
import io
from pathlib import Path

import pytest
from trac.attachment import Attachment
from trac.env import Environment
from trac.perm import PermissionCache, PermissionSystem
from trac.resource import Resource
from trac.ticket.model import Ticket
from trac.wiki.model import WikiPage

from devjavu.models import Role
from devjavu.projects.roles import TRAC_PERMISSIONS
from devjavu.tracplugin.access import Access, request_access

SHARED_TRAC_INI = Path(__file__).parents[3] / "config" / "trac.ini"

# What DESIGN.md's roles table says, action by action: owner, developer, viewer, anyone
# else on a public project. Anyone else on a private project holds nothing.
EXPECTED = """
BROWSER_VIEW             y y y y
CHANGESET_VIEW           y y y y
FILE_VIEW                y y y y
LOG_VIEW                 y y y y
MILESTONE_VIEW           y y y y
REPORT_VIEW              y y y y
REPORT_SQL_VIEW          y y y y
ROADMAP_VIEW             y y y y
SEARCH_VIEW              y y y y
TICKET_VIEW              y y y y
TIMELINE_VIEW            y y y y
WIKI_VIEW                y y y y
TICKET_CREATE            y y y .
TICKET_APPEND            y y y .
TICKET_MODIFY            y y . .
TICKET_CHGPROP           y y . .
TICKET_EDIT_CC           y y . .
TICKET_EDIT_DESCRIPTION  y y . .
WIKI_CREATE              y y . .
WIKI_MODIFY              y y . .
MILESTONE_CREATE         y y . .
MILESTONE_MODIFY         y y . .
REPORT_CREATE            y y . .
REPORT_MODIFY            y y . .
EMAIL_VIEW               y y . .
TICKET_CHG_MILESTONE     y y . .
WIKI_CHANGE_READONLY     y . . .
TICKET_ADMIN             y . . .
TICKET_BATCH_MODIFY      y . . .
TICKET_EDIT_COMMENT      y . . .
MILESTONE_ADMIN          y . . .
MILESTONE_DELETE         y . . .
ROADMAP_ADMIN            y . . .
REPORT_ADMIN             y . . .
REPORT_DELETE            y . . .
WIKI_ADMIN               y . . .
WIKI_DELETE              y . . .
WIKI_RENAME              y . . .
TRAC_ADMIN               . . . .
CONFIG_VIEW              . . . .
VERSIONCONTROL_ADMIN     . . . .
PERMISSION_ADMIN         . . . .
PERMISSION_GRANT         . . . .
PERMISSION_REVOKE        . . . .
ATTACHMENT_VIEW@ticket   y y y y
ATTACHMENT_VIEW@wiki     y y y y
ATTACHMENT_VIEW@milestone y y y y
ATTACHMENT_CREATE@ticket y y y .
ATTACHMENT_CREATE@wiki   y y . .
ATTACHMENT_CREATE@milestone y y . .
ATTACHMENT_DELETE@ticket y . . .
ATTACHMENT_DELETE@wiki   y . . .
ATTACHMENT_DELETE@milestone y . . .
"""
ROLES = {"alice": Role.OWNER, "bob": Role.DEVELOPER, "vic": Role.VIEWER, "nora": None}
WHO = list(ROLES)


def _expected():
    for line in EXPECTED.strip().splitlines():
        name, *marks = line.split()
        for who, mark in zip(WHO, marks, strict=True):
            yield name, who, mark == "y"


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    path = tmp_path_factory.mktemp("trac") / "alpha"
    env = Environment(str(path), create=True,
                      options=[("inherit", "file", str(SHARED_TRAC_INI))])
    ticket = Ticket(env)
    ticket.populate({"summary": "A ticket", "reporter": "vic", "status": "new"})
    ticket.insert()
    yield env
    env.shutdown()


PARENTS = {"ticket": Resource("ticket", 1), "wiki": Resource("wiki", "WikiStart"),
           "milestone": Resource("milestone", "milestone1")}
# The actions Trac asks of one kind of resource only.
ASKED_OF = {"TICKET_CHG_MILESTONE": PARENTS["milestone"],
            "WIKI_CHANGE_READONLY": PARENTS["wiki"]}
AS_IN_ROLES = object()


def _resource(name: str) -> tuple[str, Resource | None]:
    """('ATTACHMENT_VIEW', an attachment of a ticket) for 'ATTACHMENT_VIEW@ticket'."""
    action, _, realm = name.partition("@")
    if realm:
        return action, PARENTS[realm].child("attachment", "notes.txt")
    return action, ASKED_OF.get(action)


def _may(env, who: str, action: str, resource: Resource | None, role=AS_IN_ROLES,
         visible: bool = True) -> bool:
    """Asked as Trac's pages ask: through a request's PermissionCache."""
    role = ROLES[who] if role is AS_IN_ROLES else role
    with request_access(Access("alpha", who, role, visible)):
        return action in PermissionCache(env, who)(resource)


def _allowed(env, who: str, name: str, visible: bool = True) -> bool:
    return _may(env, who, *_resource(name), visible=visible)


@pytest.mark.parametrize("who", WHO)
def test_every_action_for_every_role(env, who):
    expected = {name: allowed for name, w, allowed in _expected() if w == who}
    actual = {name: _allowed(env, who, name) for name in expected}
    assert actual == expected


def test_the_table_is_the_whole_of_trac_and_nothing_else():
    listed = {name.partition("@")[0] for name, _, _ in _expected()}
    assert listed == set(TRAC_PERMISSIONS) | {"ATTACHMENT_VIEW", "ATTACHMENT_CREATE",
                                               "ATTACHMENT_DELETE"}


def test_the_table_covers_every_action_trac_knows(env):
    # The permission panel is disabled, so its PERMISSION_* actions are not listed here.
    assert set(PermissionSystem(env).get_actions()) <= set(TRAC_PERMISSIONS)


def test_a_private_project_gives_an_outsider_nothing(env):
    names = {name for name, _, _ in _expected()}
    assert not any(_allowed(env, "nora", name, visible=False) for name in names)


def test_the_environments_own_permission_table_adds_nothing(env):
    PermissionSystem(env).grant_permission("vic", "TRAC_ADMIN")
    PermissionSystem(env).grant_permission("anonymous", "WIKI_MODIFY")
    try:
        assert not _allowed(env, "vic", "TRAC_ADMIN")
        assert not _allowed(env, "nora", "WIKI_MODIFY")
        assert not _allowed(env, "vic", "ATTACHMENT_CREATE@wiki")
    finally:
        PermissionSystem(env).revoke_permission("vic", "TRAC_ADMIN")
        PermissionSystem(env).revoke_permission("anonymous", "WIKI_MODIFY")


def test_an_attachment_without_a_known_parent_is_refused(env):
    for action in ("ATTACHMENT_VIEW", "ATTACHMENT_CREATE", "ATTACHMENT_DELETE"):
        assert not _may(env, "alice", action, None)
        assert not _may(env, "alice", action,
                        Resource("changeset", 1).child("attachment", "x"))


def test_authors_delete_what_they_attached_while_they_may_attach(env):
    attachment = Attachment(env, "ticket", 1)
    attachment.author = "vic"
    attachment.insert("mine.txt", io.BytesIO(b"vic's notes\n"), 12)
    try:
        resource = attachment.resource
        assert _may(env, "vic", "ATTACHMENT_DELETE", resource)
        assert not _may(env, "bob", "ATTACHMENT_DELETE", resource)   # not his, not owner
        assert _may(env, "alice", "ATTACHMENT_DELETE", resource)
        # Once vic is no longer a member, his name on it gives him nothing.
        assert not _may(env, "vic", "ATTACHMENT_DELETE", resource, role=None)
    finally:
        attachment.delete()


def test_reporters_edit_their_ticket_and_authors_their_comments(env):
    ticket = Ticket(env, 1)                       # reported by vic
    ticket.save_changes("vic", "A comment by vic")
    ticket.save_changes("bob", "A comment by bob")
    vics, bobs = (ticket.resource.child("comment", n) for n in (1, 2))
    assert _may(env, "vic", "TICKET_EDIT_DESCRIPTION", ticket.resource)
    assert _may(env, "vic", "TICKET_EDIT_COMMENT", vics)
    assert not _may(env, "vic", "TICKET_EDIT_COMMENT", bobs)
    assert not _may(env, "bob", "TICKET_EDIT_COMMENT", vics)     # owners' only
    assert _may(env, "alice", "TICKET_EDIT_COMMENT", vics)
    # Without a role, authorship counts for nothing.
    assert not _may(env, "vic", "TICKET_EDIT_DESCRIPTION", ticket.resource, role=None)
    assert not _may(env, "vic", "TICKET_EDIT_COMMENT", vics, role=None)
    assert not _may(env, "nora", "TICKET_EDIT_DESCRIPTION", Resource("ticket", 99))


def test_a_read_only_wiki_page_takes_an_owner_to_change(env):
    page = WikiPage(env, "Frozen")
    page.text = "Settled."
    page.readonly = 1
    page.save("alice", "Frozen by its owner")
    try:
        for action in ("WIKI_MODIFY", "WIKI_RENAME", "WIKI_DELETE"):
            assert _may(env, "alice", action, page.resource)
        assert not _may(env, "bob", "WIKI_MODIFY", page.resource)
        assert not _may(env, "bob", "ATTACHMENT_CREATE",
                        page.resource.child("attachment"))
        assert _may(env, "bob", "WIKI_MODIFY", Resource("wiki", "WikiStart"))
        assert _may(env, "vic", "WIKI_VIEW", page.resource)
    finally:
        page.delete()
