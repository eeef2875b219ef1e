from pyramid.httpexceptions import HTTPSeeOther
from pyramid.view import forbidden_view_config, notfound_view_config, view_config
from sqlalchemy import select

from devjavu.models import Project


@view_config(route_name="home", renderer="devjavu:dashboard/templates/home.html")
def home(request):
    projects = request.dbsession.scalars(
        select(Project).where(Project.is_private.is_(False), Project.deleted_at.is_(None))
        .order_by(Project.name)).all()
    return {"projects": projects}


@notfound_view_config(renderer="devjavu:dashboard/templates/notfound.html")
def not_found(request):
    request.response.status = 404
    return {}


@forbidden_view_config(renderer="devjavu:dashboard/templates/forbidden.html")
def forbidden(request):
    """Anonymous: log in first and come back; signed in: a plain 403."""
    if request.user is None and request.method == "GET":
        return HTTPSeeOther(request.route_url("login", _query={"came_from": request.path_qs}))
    request.response.status = 403
    return {}
