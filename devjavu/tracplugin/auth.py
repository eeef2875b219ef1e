"""The Trac user is the one the dispatcher authenticated; Trac's own login is not used."""
from trac.core import Component, implements
from trac.web.api import IAuthenticator


class DevjavuAuthenticator(Component):
    """Reads the user that DevjaVu's dispatcher put into `environ['devjavu.user']`."""
    implements(IAuthenticator)

    # IAuthenticator methods

    def authenticate(self, req):
        return req.environ.get("devjavu.user")
