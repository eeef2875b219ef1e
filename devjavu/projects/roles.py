"""What each role may do, in Subversion and in Trac; the one place that says so.

Site admins act as owners everywhere. Anyone else may read a public project and
cannot see a private one at all.
"""
from sqlalchemy import Connection, bindparam, select
from sqlalchemy.orm import Session

from devjavu.models import Membership, Project, Role, User

SVN_ACCESS = {Role.OWNER: "rw", Role.DEVELOPER: "rw", Role.VIEWER: "r"}
PUBLIC_SVN_ACCESS = "r"

# Trac's whole permission list (Trac 1.6 with the components config/trac.ini enables),
# and who holds each action. `None` is anyone else on a public project: on a private
# one they hold nothing, as the project does not exist for them. Site admins act as
# owners. Each action is decided by its own name (Trac's meta actions, such as
# TICKET_ADMIN, are not expanded), so every row says exactly who.
_OWNER, _DEVELOPER, _VIEWER, _ANYONE = Role.OWNER, Role.DEVELOPER, Role.VIEWER, None
EVERYONE = frozenset({_OWNER, _DEVELOPER, _VIEWER, _ANYONE})
MEMBERS = frozenset({_OWNER, _DEVELOPER, _VIEWER})
CONTRIBUTORS = frozenset({_OWNER, _DEVELOPER})
OWNERS = frozenset({_OWNER})
NOBODY: frozenset[Role | None] = frozenset()

TRAC_PERMISSIONS: dict[str, frozenset[Role | None]] = {
    # Reading the project: wiki, tickets, reports, roadmap, timeline, search, source.
    "BROWSER_VIEW": EVERYONE, "CHANGESET_VIEW": EVERYONE, "FILE_VIEW": EVERYONE,
    "LOG_VIEW": EVERYONE, "MILESTONE_VIEW": EVERYONE, "REPORT_VIEW": EVERYONE,
    "REPORT_SQL_VIEW": EVERYONE, "ROADMAP_VIEW": EVERYONE, "SEARCH_VIEW": EVERYONE,
    "TICKET_VIEW": EVERYONE, "TIMELINE_VIEW": EVERYONE, "WIKI_VIEW": EVERYONE,
    # Viewers create tickets and comment on them.
    "TICKET_CREATE": MEMBERS, "TICKET_APPEND": MEMBERS,
    # Tickets' fields and descriptions, the wiki, milestones, reports; members' addresses.
    "TICKET_MODIFY": CONTRIBUTORS, "TICKET_CHGPROP": CONTRIBUTORS,
    "TICKET_EDIT_CC": CONTRIBUTORS, "TICKET_EDIT_DESCRIPTION": CONTRIBUTORS,
    "WIKI_CREATE": CONTRIBUTORS, "WIKI_MODIFY": CONTRIBUTORS,
    "MILESTONE_CREATE": CONTRIBUTORS, "MILESTONE_MODIFY": CONTRIBUTORS,
    "REPORT_CREATE": CONTRIBUTORS, "REPORT_MODIFY": CONTRIBUTORS,
    "EMAIL_VIEW": CONTRIBUTORS,
    # Not in Trac's list but asked by its pages: moving a ticket to a milestone (whoever
    # changes ticket fields), and marking a wiki page read-only (which then takes
    # WIKI_ADMIN to modify, rename or delete it).
    "TICKET_CHG_MILESTONE": CONTRIBUTORS,
    "WIKI_CHANGE_READONLY": OWNERS,
    # The project's own settings: the ticket fields' admin panels (components,
    # milestones, versions, priorities, severities, types, resolutions), reports,
    # deleting things, editing others' comments, batch changes, renaming wiki pages.
    "TICKET_ADMIN": OWNERS, "TICKET_BATCH_MODIFY": OWNERS, "TICKET_EDIT_COMMENT": OWNERS,
    "MILESTONE_ADMIN": OWNERS, "MILESTONE_DELETE": OWNERS, "ROADMAP_ADMIN": OWNERS,
    "REPORT_ADMIN": OWNERS, "REPORT_DELETE": OWNERS,
    "WIKI_ADMIN": OWNERS, "WIKI_DELETE": OWNERS, "WIKI_RENAME": OWNERS,
    # The server's: plugins, logging, repositories, permissions, the project's basics,
    # the server's paths. The operator uses trac-admin on the server; config/trac.ini
    # also disables those panels, a fence that does not depend on this row.
    "TRAC_ADMIN": NOBODY, "CONFIG_VIEW": NOBODY, "VERSIONCONTROL_ADMIN": NOBODY,
    "PERMISSION_ADMIN": NOBODY, "PERMISSION_GRANT": NOBODY, "PERMISSION_REVOKE": NOBODY,
}

# Authors' own things, as Trac's default policies have it: whoever may comment on a
# ticket may edit the description of a ticket they reported and their own comments.
AUTHOR_ACTIONS = {"TICKET_EDIT_DESCRIPTION": "TICKET_APPEND",
                  "TICKET_EDIT_COMMENT": "TICKET_APPEND"}

# A wiki page an owner marked read-only takes WIKI_ADMIN to change, rename or delete.
READ_ONLY_PAGE_ACTIONS = frozenset({"WIKI_MODIFY", "WIKI_RENAME", "WIKI_DELETE"})

# Attachments follow what they are attached to: an attachment action is the parent's
# action in this table (Trac's own mapping), held by whoever holds that one. Authors may
# also delete what they attached, while they may still attach there.
ATTACHMENT_PARENT_ACTIONS: dict[str, dict[str, str]] = {
    "ATTACHMENT_VIEW": {"ticket": "TICKET_VIEW", "wiki": "WIKI_VIEW",
                        "milestone": "MILESTONE_VIEW"},
    "ATTACHMENT_CREATE": {"ticket": "TICKET_APPEND", "wiki": "WIKI_MODIFY",
                          "milestone": "MILESTONE_MODIFY"},
    "ATTACHMENT_DELETE": {"ticket": "TICKET_ADMIN", "wiki": "WIKI_DELETE",
                          "milestone": "MILESTONE_DELETE"},
}

TRAC_ACTIONS: dict[Role | None, frozenset[str]] = {
    role: frozenset(action for action, holders in TRAC_PERMISSIONS.items()
                    if role in holders)
    for role in EVERYONE
}
TRAC_VIEW_ACTIONS = TRAC_ACTIONS[_ANYONE]


def parse_role(text: str) -> Role:
    try:
        return Role(text)
    except ValueError:
        raise ValueError(f"Unknown role {text!r}: use one of "
                         f"{', '.join(r.value for r in Role)}.") from None


# Built once: every Trac page asks who may see it, and composing a statement costs more
# than running it.
_projects = Project.__table__
_memberships = Membership.__table__
_LIVE_PROJECT = select(_projects.c.id, _projects.c.is_private).where(
    _projects.c.name == bindparam("name"), _projects.c.deleted_at.is_(None))
_MEMBER_ROLE = select(_memberships.c.role).where(
    _memberships.c.project_id == bindparam("project_id"),
    _memberships.c.user_id == bindparam("user_id"))


def role_of(db: Session, user: User | None, project: Project) -> Role | None:
    """The role `user` acts with on `project`: site admins are owners; None for others."""
    return _role(db.connection(), user, project.id)


def _role(connection: Connection, user: User | None, project_id: int) -> Role | None:
    if user is None or not user.is_active:
        return None
    if user.is_admin:
        return Role.OWNER
    return connection.execute(_MEMBER_ROLE, {"project_id": project_id,
                                             "user_id": user.id}).scalar()


def project_access(connection: Connection, user: User | None,
                   name: str) -> tuple[bool, Role | None]:
    """Whether `user` (None: anonymous) may see the project called `name`, and their role
    on it; a project that does not exist or is in the trash is seen by no one."""
    project = connection.execute(_LIVE_PROJECT, {"name": name}).first()
    if project is None:
        return False, None
    role = _role(connection, user, project.id)
    return may_see(project, role), role


def may_see(project: Project, role: Role | None) -> bool:
    return not project.is_private or role is not None


def trac_allows(role: Role | None, action: str, attached_to: str | None = None) -> bool:
    """Whether `role` holds Trac's `action`; for an ATTACHMENT_* action, on an attachment
    of a resource of realm `attached_to` ("ticket", "wiki", "milestone")."""
    parent_actions = ATTACHMENT_PARENT_ACTIONS.get(action)
    if parent_actions is not None:
        action = parent_actions.get(attached_to or "", "")
    return role in TRAC_PERMISSIONS.get(action, NOBODY)
