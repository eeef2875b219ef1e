"""URL dispatch for the dashboard. Every first segment here is a reserved project name
(tests/unit/projects/test_names.py checks it)."""
from devjavu.dashboard.security import ProjectContext


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
    config.add_route("project.delete", "/dashboard/{project}/delete",
                     factory=ProjectContext)
    config.add_route("invitation.accept", "/invite/{token}")

    config.add_route("admin", "/admin")
    config.add_route("admin.users", "/admin/users")
    config.add_route("admin.user", "/admin/users/{username}")
    config.add_route("admin.projects", "/admin/projects")
    config.add_route("admin.signup", "/admin/signup")
    config.add_route("admin.cap", "/admin/cap")
    config.add_route("admin.audit", "/admin/audit")
