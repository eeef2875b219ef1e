"""URL dispatch for the dashboard. Every first segment here is a reserved project name
(tests/unit/projects/test_names.py checks it)."""
from devjavu.dashboard.security import DeletedProjectContext, ProjectContext

# An upload: its own request body limit (devjavu/dashboard/tweens.py).
TRAC_IMPORT_PATH = "/dashboard/{project}/trac-import"


def includeme(config):
    config.add_route("home", "/")
    config.add_route("health", "/_health")

    config.add_route("signup", "/signup")
    config.add_route("login", "/login")
    config.add_route("logout", "/logout")
    config.add_route("reset.request", "/reset")
    config.add_route("reset.confirm", "/reset/{token}")

    config.add_route("account", "/account")
    config.add_route("account.email", "/account/email")
    config.add_route("account.password", "/account/password")
    config.add_route("account.tokens", "/account/tokens")
    config.add_route("account.token.revoke", "/account/tokens/{token_id:\\d+}/revoke")

    config.add_route("dashboard", "/dashboard")
    config.add_route("project.new", "/dashboard/new")
    config.add_route("project.new.dump", "/dashboard/new/dump")
    config.add_route("project.waitlist", "/dashboard/waitlist")
    config.add_route("project.settings", "/dashboard/{project}", factory=ProjectContext)
    config.add_route("project.members", "/dashboard/{project}/members",
                     factory=ProjectContext)
    config.add_route("project.member", "/dashboard/{project}/members/{username}",
                     factory=ProjectContext)
    config.add_route("project.invitations", "/dashboard/{project}/invitations",
                     factory=ProjectContext)
    config.add_route("project.transfer", "/dashboard/{project}/transfer",
                     factory=ProjectContext)
    config.add_route("project.rename", "/dashboard/{project}/rename",
                     factory=ProjectContext)
    config.add_route("project.delete", "/dashboard/{project}/delete",
                     factory=ProjectContext)
    config.add_route("project.restore", "/dashboard/{project}/restore",
                     factory=DeletedProjectContext)
    config.add_route("project.dump", "/dashboard/{project}/dump", factory=ProjectContext)
    config.add_route("project.import.dump", "/dashboard/{project}/import/dump",
                     factory=ProjectContext)
    config.add_route("project.trac_export", "/dashboard/{project}/trac-export",
                     factory=ProjectContext)
    config.add_route("project.trac_import", TRAC_IMPORT_PATH, factory=ProjectContext)
    config.add_route("project.import.retry", "/dashboard/{project}/import/retry",
                     factory=ProjectContext)
    config.add_route("project.import.cancel", "/dashboard/{project}/import/cancel",
                     factory=ProjectContext)
    config.add_route("invitation.accept", "/invite/{token}")

    config.add_route("admin", "/admin")
    config.add_route("admin.users", "/admin/users")
    config.add_route("admin.user", "/admin/users/{username}")
    config.add_route("admin.projects", "/admin/projects")
    config.add_route("admin.signup", "/admin/signup")
    config.add_route("admin.cap", "/admin/cap")
    config.add_route("admin.audit", "/admin/audit")
