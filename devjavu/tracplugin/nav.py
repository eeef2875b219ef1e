"""Trac's header: who is logged in, and login, logout and "My projects" links that lead
to the dashboard, which owns the login, and back to the page the user was on."""
from urllib.parse import urlencode

from trac.core import Component, implements
from trac.util.html import tag
from trac.util.translation import tag_
from trac.web.chrome import Chrome, INavigationContributor


def _here(req) -> str:
    path = req.href(req.path_info)
    query = req.query_string
    return f"{path}?{query}" if query else path


class DevjavuLoginNavigation(Component):
    """Fills the meta navigation slots that Trac's (disabled) LoginModule would."""
    implements(INavigationContributor)

    # INavigationContributor methods

    def get_active_navigation_item(self, req):
        return "login"

    def get_navigation_items(self, req):
        came_from = urlencode({"came_from": _here(req)})
        if req.is_authenticated:
            yield ("metanav", "login",
                   tag_("logged in as %(user)s",
                        user=Chrome(self.env).authorinfo(req, req.authname)))
            yield ("metanav", "dashboard", tag.a("My projects", href="/dashboard"))
            yield ("metanav", "logout", tag.a("Log out", href=f"/logout?{came_from}"))
        else:
            yield ("metanav", "login", tag.a("Log in", href=f"/login?{came_from}"))
