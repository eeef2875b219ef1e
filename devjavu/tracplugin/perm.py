"""Trac permissions from project roles in the shared database."""
import os

from trac.core import Component, implements
from trac.perm import IPermissionPolicy

from devjavu.projects.roles import trac_allows
from devjavu.tracplugin import access


class DevjavuPermissionPolicy(Component):
    """Project roles from the shared database; first in [trac] permission_policies.

    Decisive for every action, so that nothing granted in a Trac environment's own
    permission table can widen what a role allows.
    """
    implements(IPermissionPolicy)

    def __init__(self):
        # An environment's directory never changes while it is open (a renamed project
        # is opened afresh), and a page asks for permissions many times.
        self.project_name = os.path.basename(os.path.normpath(self.env.path))

    # IPermissionPolicy methods

    def check_permission(self, action, username, resource, perm):
        user_access = access.access_of(self.project_name, username)
        if user_access is None or not user_access.visible:
            return False
        return trac_allows(user_access.role, action)
