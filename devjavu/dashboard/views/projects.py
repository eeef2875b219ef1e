"""My projects, creating a project, and the waitlist when the site is full."""
from pyramid.httpexceptions import HTTPSeeOther
from pyramid.view import view_config

from devjavu import sitesettings
from devjavu.clock import utcnow
from devjavu.dashboard.forms import ProjectForm, WaitlistForm
from devjavu.dashboard.views.auth import client_address
from devjavu.models import WaitlistEntry
from devjavu.projects import service
from devjavu.projects.overview import projects_of

NEW_TEMPLATE = "devjavu:dashboard/templates/projects/new.html"


def _settings(request):
    return request.registry["devjavu.site"].settings


@view_config(route_name="dashboard", permission="signed-in",
             renderer="devjavu:dashboard/templates/projects/dashboard.html")
def dashboard(request):
    return {"summaries": projects_of(request.dbsession, _settings(request), request.user)}


def _new_page(request, form=None, waitlist_form=None):
    full = sitesettings.cap_reached(request.dbsession)
    return {"form": form or ProjectForm(), "full": full,
            "waitlist_form": waitlist_form or WaitlistForm()}


@view_config(route_name="project.new", request_method="GET", permission="signed-in",
             renderer=NEW_TEMPLATE)
def new_project_form(request):
    return _new_page(request)


@view_config(route_name="project.new", request_method="POST", permission="signed-in",
             renderer=NEW_TEMPLATE)
def create_project(request):
    form = ProjectForm(request.POST)
    if not form.validate():
        request.response.status = 400
        return _new_page(request, form)
    if sitesettings.cap_reached(request.dbsession):
        request.response.status = 400
        return _new_page(request, form.with_error(
            "name", "This site has reached its limit of projects. Join the waitlist "
                    "below and an admin will be in touch."))
    try:
        service.create_project(request.dbsession, _settings(request), form.name.data,
                               request.user, description=form.description.data or "",
                               private=form.visibility.data == "private",
                               ip=client_address(request))
    except service.ProjectError as e:
        request.response.status = 400
        return _new_page(request, form.with_error("name", e))
    request.session.flash(f"Project {form.name.data} is ready.")
    return HTTPSeeOther(request.route_url("project.settings", project=form.name.data,
                                          _query={"created": "1"}))


@view_config(route_name="project.waitlist", request_method="POST", permission="signed-in",
             renderer=NEW_TEMPLATE)
def join_waitlist(request):
    form = WaitlistForm(request.POST)
    if not form.validate():
        request.response.status = 400
        return _new_page(request, waitlist_form=form)
    request.dbsession.add(WaitlistEntry(user=request.user, project_name=form.project_name.data,
                                        note=form.note.data or "", created_at=utcnow()))
    request.session.flash("You are on the waitlist; an admin will be in touch.")
    return HTTPSeeOther(request.route_url("dashboard"))
