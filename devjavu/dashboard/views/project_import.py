"""A project's import on its page: a dump uploaded into an empty project (or with a new
one), and the progress, error, retry and give-up of any import, from a URL or a dump.

While an import runs, the page asks the browser to load it again every few seconds
(a Refresh header: no script needed) to show the revisions loaded so far. An uploaded
dump is read from the socket as it arrives (devjavu/dashboard/uploads.py): these
views take no CSRF check from Pyramid, which would parse the whole body first, and make
it themselves before the file's first byte is stored.
"""
from pyramid.httpexceptions import HTTPSeeOther
from pyramid.view import view_config, view_defaults

from devjavu.dashboard import uploads
from devjavu.dashboard.forms import ImportRetryForm
from devjavu.dashboard.views.auth import client_address
from devjavu.jobs import queue
from devjavu.models import JobState
from devjavu.projects import dumpupload, service, urlimport
from devjavu.projects.overview import size_text

REFRESH_SECONDS = 3
DUMP_FIELD = "dump"


def import_status(request, project) -> dict | None:
    """What the project page shows of the project's import, if it has one not long
    done; sets the page to refresh while it runs."""
    job = queue.latest_blocking_for_project(request.dbsession, project)
    if job is None or job.state in (JobState.DONE, JobState.CANCELLED):
        return None
    if job.state in (JobState.QUEUED, JobState.RUNNING):
        request.response.headers["Refresh"] = str(REFRESH_SECONDS)
    payload = queue.payload_of(job)
    from_dump = job.kind == dumpupload.JOB_KIND
    return {"state": str(job.state), "done": job.progress_done, "total": job.progress_total,
            "error": job.error, "from_dump": from_dump,
            "source": (f"an uploaded dump ({size_text(payload['bytes'])})" if from_dump
                       else payload["url"]),
            "username": payload.get("username")}


def receive_dump(request, check_fields) -> uploads.Upload:
    """The uploaded dump of `request` (its form's file field DUMP_FIELD), after the CSRF
    token and `check_fields(fields)` passed. Raises UploadError."""
    settings = request.registry["devjavu.site"].settings

    def checked(fields):
        uploads.check_csrf(request, fields)
        check_fields(fields)
    return uploads.receive(request, dumpupload.uploads_dir(settings), DUMP_FIELD, checked,
                           uploads.disk_room(settings))


@view_defaults(permission="manage", request_method="POST")
class ImportViews:
    def __init__(self, context, request):
        self.project = context.project
        self.request = request
        self.settings = request.registry["devjavu.site"].settings

    def back(self, message: str):
        self.request.session.flash(message)
        return HTTPSeeOther(self.request.route_url("project.settings",
                                                   project=self.project.name))

    @view_config(route_name="project.import.retry")
    def retry(self):
        form = ImportRetryForm(self.request.POST)
        if not form.validate():
            return self.back(" ".join(form.password.errors))
        try:
            urlimport.retry_import(self.request.dbsession, self.settings, self.project,
                                   password=form.password.data or "",
                                   actor=self.request.user,
                                   ip=client_address(self.request))
        except service.ProjectError as e:
            return self.back(str(e))
        return self.back("The import carries on from where it stopped.")

    @view_config(route_name="project.import.cancel")
    def cancel(self):
        try:
            urlimport.cancel_import(self.request.dbsession, self.settings, self.project,
                                    actor=self.request.user,
                                    ip=client_address(self.request))
        except service.ProjectError as e:
            return self.back(str(e))
        return self.back("The import is given up: what was copied stays, and the project "
                         "is writable.")

    @view_config(route_name="project.import.dump", require_csrf=False)
    def upload_dump(self):
        """A dump for the project's empty repository."""
        db = self.request.dbsession

        def check_fields(fields):
            try:
                dumpupload.check_can_take_dump(db, self.settings, self.project)
            except service.ProjectError as e:
                raise uploads.UploadError(str(e)) from None
        try:
            upload = receive_dump(self.request, check_fields)
        except uploads.UploadError as e:
            return self.back(f"The dump was not taken: {e}")
        try:
            dumpupload.start_dump_import(db, self.settings, self.project, upload.path,
                                         upload.size, actor=self.request.user,
                                         ip=client_address(self.request))
        except service.ProjectError as e:
            upload.path.unlink(missing_ok=True)
            return self.back(f"The dump was not taken: {e}")
        return self.back(f"The dump ({size_text(upload.size)}) is being loaded: the "
                         "project is read-only until that ends.")
