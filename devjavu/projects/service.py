"""Creating projects (all or nothing), changing and deleting them, and their members.

Each function is the whole action, whichever way in it came from (the dashboard or
devjavu-admin): rules, audit log, mail, authz marked stale, Trac kept in step. Every
change that alters who may do what is written to the audit log, with the actor (None
from the operator's command line, whose events carry `audit.COMMAND_LINE`).
"""
import shutil

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from devjavu import audit, authz, mail, messages, sitesettings
from devjavu.freetext import FreeTextError, check_single_line
from devjavu.models import Membership, Project, Role, User, hooks
from devjavu.projects import journal
from devjavu.projects.redirect_map import mark_redirects_stale
from devjavu.projects.renamed_names import drop_expired, name_reserved_for_other
from devjavu.projects.names import validate_project_name
from devjavu.settings import Settings
from devjavu.svn.repository import RepositoryError, create_repository
from devjavu.tracenv import TracEnvError, create_environment, set_description

MAX_DESCRIPTION_LENGTH = 2000


class ProjectError(ValueError):
    """A project cannot be created or changed as asked."""


class ProjectCapReached(ProjectError):
    """The site holds as many projects as its cap allows."""


class MembershipError(ValueError):
    """A membership cannot be added, changed or removed as asked."""


def validate_description(description: str) -> str:
    description = description.strip()
    if len(description) > MAX_DESCRIPTION_LENGTH:
        raise ProjectError(f"Descriptions may have at most {MAX_DESCRIPTION_LENGTH} "
                           "characters.")
    try:
        return check_single_line(description, "A description")
    except FreeTextError as e:
        raise ProjectError(str(e)) from None


def find_project(db: Session, name: str) -> Project | None:
    return db.scalar(select(Project).where(Project.name == name))


def get_project(db: Session, name: str) -> Project:
    project = find_project(db, name)
    if project is None or project.deleted_at is not None:
        raise ProjectError(f"No such project: {name!r}.")
    return project


def check_name_available(db: Session, name: str, project: Project | None = None) -> None:
    """Refuse a name another project has, or had until a rename not long ago; `project`
    (when renaming) may take back an old name of its own."""
    if db.scalar(select(Project.id).where(func.lower(Project.name) == name)):
        raise ProjectError(f"A project named {name!r} already exists.")
    if name_reserved_for_other(db, name, project):
        raise ProjectError(f"The name {name!r} belonged to a project that was renamed "
                           "recently; its links still lead there, so it is not free yet.")


def check_new_project(db: Session, name: str, owner: User, description: str = "",
                      within_cap: bool = True) -> str:
    """The rules a new project must meet (see `create_project`), checked without changing
    anything; returns the description as it will be kept. Raises ProjectError."""
    if within_cap and sitesettings.cap_reached(db):
        raise ProjectCapReached("This site has reached its limit of projects. Join the "
                                "waitlist below and an admin will be in touch.")
    try:
        validate_project_name(name)
    except ValueError as e:
        raise ProjectError(str(e)) from None
    description = validate_description(description)
    if not owner.is_active:
        raise ProjectError(f"{owner.username} is disabled and cannot own a project.")
    check_name_available(db, name)
    return description


def create_project(db: Session, settings: Settings, name: str, owner: User,
                   description: str = "", private: bool = False, ip: str = "",
                   actor: User | None = None, within_cap: bool = True) -> Project:
    """Create the rows, the repository and the Trac environment, or none of them.

    `actor`: who asks (None: the operator); `within_cap`: refuse with ProjectCapReached
    once the site's project cap is reached (the operator's command line is not held
    to it). Raises ProjectError, leaving nothing behind on disk; if the transaction is
    later abandoned, the directories made here are removed again, and if the process is
    killed before either, the journal lets the next start (or creation of this name)
    remove them.
    """
    description = check_new_project(db, name, owner, description, within_cap)
    journal.settle(db, settings, [name])      # what a killed creation of it left
    for path in (settings.repository_path(name), settings.trac_env_path(name)):
        if path.exists():
            raise ProjectError(f"{path} already exists on disk; move it away first.")

    project = Project(name=name, description=description, is_private=private)
    db.add(project)
    if name in drop_expired(db):
        # Apache's svn map may still send this name to the project that had it.
        mark_redirects_stale(db, settings)
    db.add(Membership(project=project, user=owner, role=Role.OWNER))
    db.flush()

    made = []

    def remove_made():
        for path in reversed(made):
            shutil.rmtree(path, ignore_errors=True)
        journal.end(settings, name)

    try:
        journal.begin(settings, name)
    except OSError as e:
        raise ProjectError(f"Could not record the creation of {name}: {e}") from e
    try:
        made.append(settings.repository_path(name))
        create_repository(settings, name)
        made.append(settings.trac_env_path(name))
        create_environment(settings, name, description)
    except (RepositoryError, TracEnvError) as e:
        remove_made()
        raise ProjectError(str(e)) from e
    except BaseException:
        remove_made()
        raise
    hooks.after_rollback(db, remove_made)
    hooks.after_commit(db, f"journal:{name}", lambda: journal.end(settings, name))
    authz.mark_stale(db, project)
    audit.record(db, audit.PROJECT_CREATED, actor=actor, subject=name, ip=ip,
                 detail=project.visibility)
    return project


def list_projects(db: Session, include_deleted: bool = False) -> list[Project]:
    query = select(Project).order_by(Project.name)
    if not include_deleted:
        query = query.where(Project.deleted_at.is_(None))
    return list(db.scalars(query))


def owners_of(db: Session, project: Project) -> list[User]:
    return list(db.scalars(select(User).join(Membership.user).where(
        Membership.project_id == project.id, Membership.role == Role.OWNER)))


def find_membership(db: Session, project: Project, user: User) -> Membership | None:
    return db.scalar(select(Membership).where(Membership.project_id == project.id,
                                              Membership.user_id == user.id))


def add_member(db: Session, project: Project, user: User, role: Role,
               actor: User | None = None, ip: str = "") -> Membership:
    """Give `user` `role` on `project`, and tell them unless they are `actor`. Raises
    MembershipError if already a member."""
    if find_membership(db, project, user) is not None:
        raise MembershipError(f"{user.username} is already a member of {project.name}.")
    if not user.is_active:
        raise MembershipError(f"{user.username} is disabled.")
    membership = Membership(project=project, user=user, role=role)
    db.add(membership)
    db.flush()
    authz.mark_stale(db, project)
    audit.record(db, audit.MEMBER_ADDED, actor=actor, subject=project.name, ip=ip,
                 detail=f"{user.username} as {role}")
    if actor is None or actor.id != user.id:       # told when someone else did it
        mail.send_after_commit(db, *messages.member_added(db.info["settings"], project,
                                                          user, role, actor))
    return membership


def change_role(db: Session, project: Project, user: User, role: Role,
                actor: User | None = None, ip: str = "") -> Membership:
    membership = find_membership(db, project, user)
    if membership is None:
        raise MembershipError(f"{user.username} is not a member of {project.name}.")
    if membership.role == Role.OWNER and role != Role.OWNER:
        _refuse_last_owner(db, project, user)
    old = membership.role
    membership.role = role
    authz.mark_stale(db, project)
    audit.record(db, audit.ROLE_CHANGED, actor=actor, subject=project.name, ip=ip,
                 detail=f"{user.username}: {old} -> {role}")
    return membership


def set_role(db: Session, project: Project, user: User, role: Role,
             actor: User | None = None, ip: str = "") -> Membership:
    """`user` gets `role` on `project`: added as a member (`add_member`) if not one yet,
    else with the role changed (`change_role`)."""
    if find_membership(db, project, user) is None:
        return add_member(db, project, user, role, actor=actor, ip=ip)
    return change_role(db, project, user, role, actor=actor, ip=ip)


def remove_member(db: Session, project: Project, user: User, actor: User | None = None,
                  ip: str = "") -> None:
    membership = find_membership(db, project, user)
    if membership is None:
        raise MembershipError(f"{user.username} is not a member of {project.name}.")
    if membership.role == Role.OWNER:
        _refuse_last_owner(db, project, user)
    db.delete(membership)
    db.flush()
    authz.mark_stale(db, project)
    audit.record(db, audit.MEMBER_REMOVED, actor=actor, subject=project.name, ip=ip,
                 detail=user.username)


def transfer_ownership(db: Session, project: Project, new_owner: User,
                       actor: User | None = None, ip: str = "") -> None:
    """`new_owner` becomes the owner; the other owners become developers."""
    if not new_owner.is_active:
        raise MembershipError(f"{new_owner.username} is disabled.")
    for owner in owners_of(db, project):
        if owner.id != new_owner.id:
            find_membership(db, project, owner).role = Role.DEVELOPER
    membership = find_membership(db, project, new_owner)
    if membership is None:
        db.add(Membership(project=project, user=new_owner, role=Role.OWNER))
    else:
        membership.role = Role.OWNER
    db.flush()
    authz.mark_stale(db, project)
    audit.record(db, audit.OWNERSHIP_TRANSFERRED, actor=actor, subject=project.name, ip=ip,
                 detail=f"to {new_owner.username}")


def update_project(db: Session, project: Project, description: str, private: bool,
                   actor: User | None = None, ip: str = "") -> None:
    """New description (shown in the project's Trac once committed) and visibility."""
    description = validate_description(description)
    if project.description != description:
        project.description = description
        set_description(db, db.info["settings"], project.name, description)
        audit.record(db, audit.DESCRIPTION_CHANGED, actor=actor, subject=project.name,
                     ip=ip)
    if project.is_private != private:
        project.is_private = private
        authz.mark_stale(db, project)
        audit.record(db, audit.VISIBILITY_CHANGED, actor=actor, subject=project.name, ip=ip,
                     detail=project.visibility)


def _refuse_last_owner(db: Session, project: Project, user: User) -> None:
    if [o.id for o in owners_of(db, project)] == [user.id]:
        raise MembershipError(f"{user.username} is the last owner of {project.name}; "
                              "make someone else owner first.")
