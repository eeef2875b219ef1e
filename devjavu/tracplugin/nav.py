"""Trac's header shows who is logged in; the login itself belongs to the dashboard."""
from trac.core import Component, implements
from trac.util.translation import tag_
from trac.web.chrome import Chrome, INavigationContributor


class DevjavuLoginNavigation(Component):
    """Takes the 'login' slot of the meta navigation that Trac's LoginModule would fill."""
    implements(INavigationContributor)

    # INavigationContributor methods

    def get_active_navigation_item(self, req):
        return "login"

    def get_navigation_items(self, req):
        if req.is_authenticated:
            yield ("metanav", "login",
                   tag_("logged in as %(user)s",
                        user=Chrome(self.env).authorinfo(req, req.authname)))
