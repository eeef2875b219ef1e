"""Site administration: users, projects, signup mode and invite codes, the project cap
and its waitlist, and the audit log. Site admins only (`admin` permission)."""
from pyramid.httpexceptions import HTTPSeeOther
from pyramid.view import view_config, view_defaults
from sqlalchemy import select

from devjavu import audit, sitesettings
from devjavu.accounts import administration, signup, users
from devjavu.dashboard.forms import InviteCodesForm, ProjectCapForm, UserSearchForm
from devjavu.dashboard.views.auth import client_address
from devjavu.models import WaitlistEntry
from devjavu.projects import service, trash
from devjavu.projects.overview import summarize

TEMPLATE_DIR = "devjavu:dashboard/templates/admin/"
AUDIT_PAGE_SIZE = 100


@view_defaults(permission="admin")
class AdminViews:
    def __init__(self, context, request):
        self.request = request
        self.db = request.dbsession
        self.settings = request.registry["devjavu.site"].settings

    def back(self, route: str, message: str):
        self.request.session.flash(message)
        return HTTPSeeOther(self.request.route_url(route))

    def overview(self, status=200, codes=None, codes_form=None, cap_form=None):
        self.request.response.status = status
        cap = sitesettings.project_cap(self.db)
        return {
            "mode": sitesettings.signup_mode(self.db),
            "modes": list(sitesettings.SignupMode),
            "unused_codes": signup.unused_code_count(self.db),
            "new_codes": codes,
            "codes_form": codes_form or InviteCodesForm(),
            "cap_form": cap_form or ProjectCapForm(cap=cap),
            "cap": cap,
            "project_count": sitesettings.project_count(self.db),
            "waitlist": list(self.db.scalars(select(WaitlistEntry).order_by(
                WaitlistEntry.created_at))),
            "user_count": administration.count_users(self.db),
        }

    @view_config(route_name="admin", request_method="GET",
                 renderer=TEMPLATE_DIR + "overview.html")
    def show(self):
        return self.overview()

    @view_config(route_name="admin.signup", request_method="POST",
                 renderer=TEMPLATE_DIR + "overview.html")
    def signup_settings(self):
        post = self.request.POST
        if "mode" in post:
            try:
                mode = sitesettings.SignupMode(post["mode"])
            except ValueError:
                return self.back("admin", "Choose open, invite-only or closed.")
            sitesettings.set_signup_mode(self.db, mode, actor=self.request.user,
                                         ip=client_address(self.request))
            return self.back("admin", f"Sign-ups are now {mode}.")
        form = InviteCodesForm(post)
        if not form.validate():
            return self.overview(400, codes_form=form)
        codes = signup.create_invite_codes(self.db, self.request.user, form.count.data)
        self.request.response.headers["Cache-Control"] = "no-store"
        return self.overview(codes=codes)

    @view_config(route_name="admin.cap", request_method="POST",
                 renderer=TEMPLATE_DIR + "overview.html")
    def project_cap(self):
        form = ProjectCapForm(self.request.POST)
        if not form.validate():
            return self.overview(400, cap_form=form)
        sitesettings.set_project_cap(self.db, form.cap.data, actor=self.request.user,
                                     ip=client_address(self.request))
        return self.back("admin", "Project cap saved." if form.cap.data is not None
                         else "No project cap.")

    @view_config(route_name="admin.users", request_method="GET",
                 renderer=TEMPLATE_DIR + "users.html")
    def list_users(self):
        form = UserSearchForm(self.request.GET)
        query = form.q.data if form.validate() else ""
        return {"form": form, "users": administration.search_users(self.db, query or "")}

    @view_config(route_name="admin.user", request_method="POST")
    def change_user(self):
        user = users.find_user(self.db, self.request.matchdict["username"])
        if user is None:
            return self.back("admin.users", "No such user.")
        actions = {
            "disable": (administration.disable_user, f"{user.username} is disabled."),
            "enable": (administration.enable_user, f"{user.username} is enabled."),
            "make-admin": (lambda db, actor, u, ip: administration.set_site_admin(
                db, actor, u, True, ip), f"{user.username} is a site admin."),
            "revoke-admin": (lambda db, actor, u, ip: administration.set_site_admin(
                db, actor, u, False, ip), f"{user.username} is no longer a site admin."),
            "reset-password": (administration.send_password_reset,
                               f"A password reset link is on its way to {user.email}."),
        }
        action = actions.get(self.request.POST.get("action", ""))
        if action is None:
            return self.back("admin.users", "Unknown action.")
        change, message = action
        try:
            change(self.db, self.request.user, user, client_address(self.request))
        except users.UserError as e:
            return self.back("admin.users", str(e))
        return self.back("admin.users", message)

    @view_config(route_name="admin.projects", request_method="GET",
                 renderer=TEMPLATE_DIR + "projects.html")
    def list_projects(self):
        projects = service.list_projects(self.db)
        return {"summaries": [summarize(self.settings, p, None) for p in projects],
                "owners": {p.id: [u.username for u in service.owners_of(self.db, p)]
                           for p in projects},
                "deleted": trash.deleted_projects(self.db),
                "trash_days": self.settings.trash_days}

    @view_config(route_name="admin.audit", request_method="GET",
                 renderer=TEMPLATE_DIR + "audit.html")
    def audit_log(self):
        try:
            page = max(0, int(self.request.GET.get("page", "0")))
        except ValueError:
            page = 0
        event = self.request.GET.get("event", "")[:40]
        events = audit.recent(self.db, limit=AUDIT_PAGE_SIZE + 1,
                              offset=page * AUDIT_PAGE_SIZE, event_prefix=event)
        return {"events": events[:AUDIT_PAGE_SIZE], "page": page, "event": event,
                "has_more": len(events) > AUDIT_PAGE_SIZE}
