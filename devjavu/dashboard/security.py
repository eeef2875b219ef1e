"""All of the dashboard's security: who the user is, what they may do, CSRF, cookies.

Identity comes from the session cookie (accounts/sessions.py, its only reader).
Permissions come from ACLs: the root context lets signed-in users into their own pages
and site admins everywhere; a project context grants `view` to its members and `manage`
to its owners, and raises HTTPNotFound where the project must stay unseen.
"""
from pyramid.authorization import (ALL_PERMISSIONS, Allow, Authenticated, Everyone,
                                   ACLHelper)
from pyramid.csrf import SessionCSRFStoragePolicy
from pyramid.httpexceptions import HTTPNotFound
from pyramid.session import SignedCookieSessionFactory

from devjavu.accounts import sessions
from devjavu.datadir import read_secret
from devjavu.models import Role
from devjavu.projects.roles import may_see, role_of
from devjavu.projects.service import find_project

SITE_ADMIN = "site-admin"


def user_principal(user) -> str:
    return f"user:{user.id}"


class SecurityPolicy:
    def identity(self, request):
        return request.user

    def authenticated_userid(self, request):
        user = request.user
        return user.id if user is not None else None

    def permits(self, request, context, permission):
        principals = [Everyone]
        user = request.user
        if user is not None:
            principals += [Authenticated, user_principal(user)]
            if user.is_admin:
                principals.append(SITE_ADMIN)
        return ACLHelper().permits(context, principals, permission)

    def remember(self, request, userid, **kw):
        return []

    def forget(self, request, **kw):
        return []


class RootContext:
    __acl__ = [(Allow, SITE_ADMIN, ALL_PERMISSIONS), (Allow, Authenticated, "signed-in")]

    def __init__(self, request):
        self.request = request


class ProjectContext:
    """A project the user may see; members `view`, owners `manage`."""

    def __init__(self, request):
        name = request.matchdict["project"]
        project = find_project(request.dbsession, name)
        user = request.user
        role = role_of(request.dbsession, user, project) if project is not None else None
        if project is None or project.deleted_at is not None or not may_see(project, role):
            raise HTTPNotFound()
        self.project = project
        self.role = role
        self.__acl__ = _project_acl(project)


class DeletedProjectContext:
    """A project in the trash, which its owners (`manage`) and site admins may restore;
    to everyone else it does not exist."""

    def __init__(self, request):
        project = find_project(request.dbsession, request.matchdict["project"])
        if (project is None or project.deleted_at is None
                or role_of(request.dbsession, request.user, project) != Role.OWNER):
            raise HTTPNotFound()
        self.project = project
        self.__acl__ = _project_acl(project)


def _project_acl(project) -> list:
    acl = [(Allow, SITE_ADMIN, ALL_PERMISSIONS)]
    for membership in project.memberships:
        principal = user_principal(membership.user)
        acl.append((Allow, principal, "view"))
        if membership.role == Role.OWNER:
            acl.append((Allow, principal, "manage"))
    return acl


def _current_user(request):
    token = request.cookies.get(sessions.COOKIE_NAME)
    return sessions.user_for_token(request.dbsession, token)


def set_login_cookie(request, response, token: str, days: int) -> None:
    response.set_cookie(sessions.COOKIE_NAME, token, max_age=days * 86400, path="/",
                        httponly=True, samesite="Lax", secure=request.scheme == "https")


def clear_login_cookie(request, response) -> None:
    response.delete_cookie(sessions.COOKIE_NAME, path="/")


def _session_factory(secret: str):
    """Pyramid's signed-cookie session (flash messages and the CSRF token), Secure on
    https and HttpOnly, SameSite=Lax everywhere."""
    plain = SignedCookieSessionFactory(secret, cookie_name="devjavu_ui", httponly=True,
                                       samesite="Lax", secure=False, timeout=None,
                                       reissue_time=None)
    secure = SignedCookieSessionFactory(secret, cookie_name="devjavu_ui", httponly=True,
                                        samesite="Lax", secure=True, timeout=None,
                                        reissue_time=None)
    return lambda request: (secure if request.scheme == "https" else plain)(request)


def includeme(config):
    site = config.registry["devjavu.site"]
    config.set_session_factory(_session_factory(read_secret(site.settings)))
    config.set_csrf_storage_policy(SessionCSRFStoragePolicy())
    config.set_default_csrf_options(require_csrf=True, token="csrf_token",
                                    header="X-CSRF-Token")
    config.set_security_policy(SecurityPolicy())
    config.set_root_factory(RootContext)
    config.add_request_method(_current_user, "user", reify=True)
