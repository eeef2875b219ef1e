from pyramid.view import notfound_view_config, view_config
from sqlalchemy import select

from devjavu.models import Project


@view_config(route_name="home", renderer="devjavu:dashboard/templates/home.html")
def home(request):
    projects = request.dbsession.scalars(
        select(Project).where(Project.is_private.is_(False)).order_by(Project.name)).all()
    return {"projects": projects}


@notfound_view_config(renderer="devjavu:dashboard/templates/notfound.html")
def not_found(request):
    request.response.status = 404
    return {}
