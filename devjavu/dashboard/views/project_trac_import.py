"""An owner's upload of Trac data on the project's page: an archive replaces the
project's Trac data (devjavu/projects/tracdata.py), with another site's user names
mapped to accounts here. The upload is unpacked and checked whole before anything is
written; a refusal changes nothing and says why."""
from pyramid.httpexceptions import HTTPSeeOther
from pyramid.view import view_config

from devjavu.dashboard.forms import TracImportForm
from devjavu.dashboard.views.auth import client_address
from devjavu.projects import service, tracdata


@view_config(route_name="project.trac_import", request_method="POST", permission="manage")
def import_trac_data(context, request):
    project = context.project
    form = TracImportForm(request.POST)
    if form.validate():
        try:
            summary = tracdata.import_trac_data(
                request.dbsession, request.registry["devjavu.site"].settings, project,
                form.archive.data.file, user_map=form.users.data or "",
                replace=form.replace.data, actor=request.user,
                ip=client_address(request))
            message = f"Imported into the Trac of {project.name}: {summary}."
        except service.ProjectError as e:
            message = str(e)
    else:
        message = " ".join(error for errors in form.errors.values() for error in errors)
    request.session.flash(message)
    return HTTPSeeOther(request.route_url("project.settings", project=project.name) +
                        "#trac-data")
