"""An owner's downloads of the project's data, streamed as they are made (never whole
in memory), for owners and site admins only: the whole history (`svnadmin dump`,
gzipped) and the Trac data (devjavu/tracenv/archive_format.py)."""
from pyramid.response import Response
from pyramid.view import view_config

from devjavu.projects import tracdata
from devjavu.svn import dumps


def _download(chunks, file_name: str) -> Response:
    response = Response(content_type="application/gzip", app_iter=chunks)
    response.content_disposition = f'attachment; filename="{file_name}"'
    response.cache_control = "private, no-store"
    return response


@view_config(route_name="project.dump", request_method="GET", permission="manage")
def download_dump(context, request):
    name = context.project.name         # a validated project name: safe in a header
    settings = request.registry["devjavu.site"].settings
    return _download(dumps.dump_chunks(settings.repository_path(name), compress=True),
                     f"{name}.dump.gz")


@view_config(route_name="project.trac_export", request_method="GET", permission="manage")
def download_trac_data(context, request):
    name = context.project.name
    settings = request.registry["devjavu.site"].settings
    return _download(tracdata.export_trac_data(settings, name),
                     tracdata.archive_file_name(name))
