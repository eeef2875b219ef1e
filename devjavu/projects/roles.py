"""What each role may do, in Subversion and in Trac; the one place that says so.

Site admins act as owners everywhere. Anyone else may read a public project and
cannot see a private one at all.
"""
from sqlalchemy import Connection, bindparam, select
from sqlalchemy.orm import Session

from devjavu.models import Membership, Project, Role, User

SVN_ACCESS = {Role.OWNER: "rw", Role.DEVELOPER: "rw", Role.VIEWER: "r"}
PUBLIC_SVN_ACCESS = "r"

TRAC_VIEW_ACTIONS = frozenset({
    "BROWSER_VIEW", "CHANGESET_VIEW", "FILE_VIEW", "LOG_VIEW", "MILESTONE_VIEW",
    "REPORT_VIEW", "REPORT_SQL_VIEW", "ROADMAP_VIEW", "SEARCH_VIEW", "TICKET_VIEW",
    "TIMELINE_VIEW", "WIKI_VIEW",
})
TRAC_VIEWER_ACTIONS = TRAC_VIEW_ACTIONS | {"TICKET_CREATE", "TICKET_APPEND"}
TRAC_DEVELOPER_ACTIONS = TRAC_VIEWER_ACTIONS | {
    "TICKET_MODIFY", "TICKET_CHGPROP", "TICKET_EDIT_CC", "TICKET_EDIT_DESCRIPTION",
    "WIKI_CREATE", "WIKI_MODIFY", "MILESTONE_CREATE", "MILESTONE_MODIFY",
    "REPORT_CREATE", "REPORT_MODIFY", "EMAIL_VIEW",
}
# A project's own Trac settings: the ticket fields' admin panels (components,
# milestones, versions, priorities, severities, types, resolutions), reports, and
# deleting or renaming wiki pages. Trac's meta actions are named with their members,
# because our policy, the only one, is asked for each action by its own name.
TRAC_OWNER_ACTIONS = TRAC_DEVELOPER_ACTIONS | {
    "TICKET_ADMIN", "TICKET_BATCH_MODIFY", "TICKET_EDIT_COMMENT",
    "MILESTONE_ADMIN", "MILESTONE_DELETE", "ROADMAP_ADMIN",
    "REPORT_ADMIN", "REPORT_DELETE",
    "WIKI_ADMIN", "WIKI_DELETE", "WIKI_RENAME",
}
# Never granted through the web, to site admins neither: TRAC_ADMIN (plugins, logging,
# repositories, permissions, the project's basics), CONFIG_VIEW (the server's paths),
# PERMISSION_* and VERSIONCONTROL_ADMIN. The operator uses trac-admin on the server.
TRAC_ACTIONS: dict[Role | None, frozenset[str]] = {
    Role.OWNER: TRAC_OWNER_ACTIONS,
    Role.DEVELOPER: TRAC_DEVELOPER_ACTIONS,
    Role.VIEWER: TRAC_VIEWER_ACTIONS,
    None: TRAC_VIEW_ACTIONS,
}

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


def trac_allows(role: Role | None, action: str) -> bool:
    return action in TRAC_ACTIONS[role]
