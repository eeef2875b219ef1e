"""My projects, creating a project, and the waitlist when the site is full."""
from pyramid.httpexceptions import HTTPSeeOther
from pyramid.view import view_config
from webob.multidict import MultiDict

from devjavu import sitesettings
from devjavu.dashboard.forms import DumpProjectForm, ProjectForm, WaitlistForm
from devjavu.dashboard.uploads import UploadError
from devjavu.dashboard.views.project_import import receive_dump
from devjavu.dashboard.views.auth import client_address
from devjavu.projects import dumpupload, service, trash, urlimport
from devjavu.projects.overview import projects_of

NEW_TEMPLATE = "devjavu:dashboard/templates/projects/new.html"


def _settings(request):
    return request.registry["devjavu.site"].settings


@view_config(route_name="dashboard", permission="signed-in",
             renderer="devjavu:dashboard/templates/projects/dashboard.html")
def dashboard(request):
    settings = _settings(request)
    deleted = trash.deleted_projects(request.dbsession, owner=request.user)
    return {"summaries": projects_of(request.dbsession, settings, request.user),
            "deleted": [(project, trash.purge_date(settings, project))
                        for project in deleted]}


def _new_page(request, form=None, waitlist_form=None, dump_form=None):
    full = sitesettings.cap_reached(request.dbsession)
    return {"form": form or ProjectForm(), "full": full,
            "waitlist_form": waitlist_form or WaitlistForm(),
            "dump_form": dump_form or DumpProjectForm()}


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
    options = dict(description=form.description.data or "",
                   private=form.visibility.data == "private", ip=client_address(request),
                   actor=request.user)
    try:
        if form.import_url.data:
            urlimport.start_url_import(request.dbsession, _settings(request),
                                       form.name.data, request.user, form.import_url.data,
                                       username=form.import_username.data or "",
                                       password=form.import_password.data or "", **options)
        else:
            service.create_project(request.dbsession, _settings(request), form.name.data,
                                   request.user, **options)
    except urlimport.SourceError as e:
        request.response.status = 400
        return _new_page(request, form.with_error("import_url", e))
    except service.ProjectError as e:
        request.response.status = 400
        return _new_page(request, form.with_error("name", e))
    request.session.flash(f"Project {form.name.data} is importing its history: it is "
                          "read-only until that ends." if form.import_url.data else
                          f"Project {form.name.data} is ready.")
    # A new empty project's page shows first steps; an imported one's, its import.
    return HTTPSeeOther(request.route_url("project.settings", project=form.name.data,
                                          _query={} if form.import_url.data
                                          else {"created": "1"}))


@view_config(route_name="project.new.dump", request_method="POST", permission="signed-in",
             require_csrf=False, renderer=NEW_TEMPLATE)
def create_project_from_dump(request):
    """A new project whose history is an uploaded dump: the form's fields are checked,
    with a new project's rules, before the file's first byte is stored (the page sends
    the file last)."""
    form = DumpProjectForm()

    def check_fields(fields):
        nonlocal form
        form = DumpProjectForm(MultiDict(fields))
        if not form.validate():
            raise UploadError("")
        try:
            service.check_new_project(request.dbsession, form.name.data, request.user,
                                      form.description.data or "")
        except service.ProjectError as e:
            form.with_error("name", e)
            raise UploadError("") from None
    try:
        upload = receive_dump(request, check_fields)
    except UploadError as e:
        if str(e):
            form.with_error("dump", e)
        request.response.status = 400
        return _new_page(request, dump_form=form)
    options = dict(ip=client_address(request), actor=request.user)
    try:
        project = service.create_project(
            request.dbsession, _settings(request), form.name.data, request.user,
            description=form.description.data or "",
            private=form.visibility.data == "private", **options)
        dumpupload.start_dump_import(request.dbsession, _settings(request), project,
                                     upload.path, upload.size, **options)
    except service.ProjectError as e:
        upload.path.unlink(missing_ok=True)
        request.response.status = 400
        return _new_page(request, dump_form=form.with_error("name", e))
    request.session.flash(f"Project {project.name} is loading its history from the dump: "
                          "it is read-only until that ends.")
    return HTTPSeeOther(request.route_url("project.settings", project=project.name))


@view_config(route_name="project.waitlist", request_method="POST", permission="signed-in",
             renderer=NEW_TEMPLATE)
def join_waitlist(request):
    form = WaitlistForm(request.POST)
    if not form.validate():
        request.response.status = 400
        return _new_page(request, waitlist_form=form)
    sitesettings.join_waitlist(request.dbsession, request.user, form.project_name.data,
                               form.note.data or "")
    request.session.flash("You are on the waitlist; an admin will be in touch.")
    return HTTPSeeOther(request.route_url("dashboard"))
