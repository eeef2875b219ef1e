"""One project's page: settings, members and roles, invitations, transfer, rename,
delete, and restoring it from the trash.

Members may look (`view`); only owners and site admins change anything (`manage`),
and that is checked on every POST, not only by hiding the forms.
"""
from pyramid.httpexceptions import HTTPSeeOther
from pyramid.view import view_config, view_defaults

from devjavu.accounts import users
from devjavu.apacheconf.render import request_body_limit
from devjavu.dashboard.forms import (DeleteForm, ImportRetryForm, InviteForm, MemberForm,
                                     ProjectSettingsForm, RenameForm, RoleForm,
                                     TracImportForm,
                                     TransferForm)
from devjavu.dashboard.views.project_import import import_status
from devjavu.dashboard.views.auth import client_address
from devjavu.models import Role
from devjavu.projects import invitations, rename, service, trash
from devjavu.projects.overview import summarize
from devjavu.projects.renamed_names import old_names_of
from devjavu.projects.roles import parse_role

TEMPLATE = "devjavu:dashboard/templates/projects/settings.html"


@view_defaults(renderer=TEMPLATE, permission="manage", request_method="POST")
class ProjectViews:
    def __init__(self, context, request):
        self.context = context
        self.project = context.project
        self.request = request
        self.db = request.dbsession
        self.settings = request.registry["devjavu.site"].settings

    def page(self, status=200, **forms):
        """The project page, with any form that failed in place of a blank one."""
        self.request.response.status = status
        project = self.project
        return {
            "project": project,
            "summary": summarize(self.settings, project, self.context.role),
            "can_manage": self.request.has_permission("manage", self.context),
            "created": self.request.params.get("created") == "1",
            "members": sorted(project.memberships, key=lambda m: (
                list(Role).index(m.role), m.user.username)),
            "invitations": invitations.pending_for_project(self.db, project),
            "settings_form": forms.get("settings_form") or ProjectSettingsForm(
                description=project.description, visibility=project.visibility),
            "member_form": forms.get("member_form") or MemberForm(),
            "invite_form": forms.get("invite_form") or InviteForm(),
            "transfer_form": forms.get("transfer_form") or TransferForm(),
            "rename_form": forms.get("rename_form") or RenameForm(),
            "delete_form": forms.get("delete_form") or DeleteForm(),
            "old_names": [old.name for old in old_names_of(self.db, project)],
            "import_job": import_status(self.request, project),
            "retry_form": forms.get("retry_form") or ImportRetryForm(),
            "trac_import_form": TracImportForm(),
            "upload_limit_mb": request_body_limit(self.settings.shared_trac_ini) // 2**20,
            "public_url": self.settings.public_url,
            "https_url": f"https://{self.settings.server_name}:{self.settings.https_port}",
        }

    def back(self, message: str):
        self.request.session.flash(message)
        # The project's name of now: a rename changed it in this request.
        return HTTPSeeOther(self.request.route_url("project.settings",
                                                   project=self.project.name))

    @view_config(route_name="project.settings", request_method="GET", permission="view")
    def show(self):
        return self.page()

    @view_config(route_name="project.settings")
    def update(self):
        form = ProjectSettingsForm(self.request.POST)
        if not form.validate():
            return self.page(400, settings_form=form)
        try:
            service.update_project(self.db, self.project, form.description.data or "",
                                   form.visibility.data == "private",
                                   actor=self.request.user, ip=client_address(self.request))
        except service.ProjectError as e:
            return self.page(400, settings_form=form.with_error("description", e))
        return self.back("Settings saved.")

    @view_config(route_name="project.members")
    def add_member(self):
        form = MemberForm(self.request.POST)
        if not form.validate():
            return self.page(400, member_form=form)
        user = users.find_user(self.db, form.username.data)
        if user is None:
            return self.page(400, member_form=form.with_error(
                "username", f"No user named {form.username.data!r}. Invite them by "
                            "email instead."))
        role = parse_role(form.role.data)
        try:
            service.add_member(self.db, self.project, user, role, actor=self.request.user,
                               ip=client_address(self.request))
        except service.MembershipError as e:
            return self.page(400, member_form=form.with_error("username", e))
        return self.back(f"{user.username} added as {role}.")

    @view_config(route_name="project.member")
    def change_member(self):
        user = users.find_user(self.db, self.request.matchdict["username"])
        membership = user and service.find_membership(self.db, self.project, user)
        if membership is None:
            return self.back("No such member.")
        try:
            if self.request.POST.get("action") == "remove":
                service.remove_member(self.db, self.project, user, actor=self.request.user,
                                      ip=client_address(self.request))
                return self.back(f"{user.username} removed.")
            form = RoleForm(self.request.POST)
            if not form.validate():
                return self.back("Choose a role: owner, developer or viewer.")
            role = parse_role(form.role.data)
            service.change_role(self.db, self.project, user, role,
                                actor=self.request.user, ip=client_address(self.request))
        except service.MembershipError as e:
            self.request.response.status = 400
            return self.back(str(e))
        return self.back(f"{user.username} is now {role}.")

    @view_config(route_name="project.invitations")
    def invite(self):
        form = InviteForm(self.request.POST)
        if not form.validate():
            return self.page(400, invite_form=form)
        invitations.invite(self.db, self.project, form.email.data, parse_role(form.role.data),
                           self.request.user, ip=client_address(self.request))
        return self.back(f"Invitation sent to {form.email.data}.")

    @view_config(route_name="project.transfer")
    def transfer(self):
        form = TransferForm(self.request.POST)
        if not form.validate():
            return self.page(400, transfer_form=form)
        user = users.find_user(self.db, form.username.data)
        if user is None:
            return self.page(400, transfer_form=form.with_error(
                "username", f"No user named {form.username.data!r}."))
        try:
            service.transfer_ownership(self.db, self.project, user, actor=self.request.user,
                                       ip=client_address(self.request))
        except service.MembershipError as e:
            return self.page(400, transfer_form=form.with_error("username", e))
        return self.back(f"{user.username} now owns {self.project.name}.")

    @view_config(route_name="project.delete")
    def delete(self):
        form = DeleteForm(self.request.POST)
        if not form.validate() or form.confirm_name.data != self.project.name:
            if not form.errors:
                form.with_error("confirm_name", "Type the project name exactly to confirm.")
            return self.page(400, delete_form=form)
        try:
            trash.delete_project(self.db, self.settings, self.project,
                                 actor=self.request.user, ip=client_address(self.request))
        except service.ProjectError as e:
            return self.page(400, delete_form=form.with_error("confirm_name", e))
        self.request.session.flash(
            f"{self.project.name} is deleted. Its owners can restore it from My projects "
            f"within {self.settings.trash_days} days.")
        return HTTPSeeOther(self.request.route_url("dashboard"))

    @view_config(route_name="project.rename")
    def rename(self):
        form = RenameForm(self.request.POST)
        if not form.validate():
            return self.page(400, rename_form=form)
        try:
            rename.rename_project(self.db, self.settings, self.project, form.new_name.data,
                                  actor=self.request.user, ip=client_address(self.request))
        except service.ProjectError as e:
            return self.page(400, rename_form=form.with_error("new_name", e))
        return self.back(f"Renamed to {self.project.name}. In a working copy, run: svn "
                         f"relocate {self.settings.public_url}/svn/{self.project.name}")

    @view_config(route_name="project.restore")
    def restore(self):
        try:
            trash.restore_project(self.db, self.settings, self.project.name,
                                  actor=self.request.user, ip=client_address(self.request))
        except service.ProjectError as e:
            self.request.session.flash(str(e))
            return HTTPSeeOther(self.request.route_url("dashboard"))
        return self.back(f"{self.project.name} is restored, with its members.")
