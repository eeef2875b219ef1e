"""Trac permissions from project roles in the shared database."""
import os

from trac.attachment import Attachment
from trac.core import Component, implements
from trac.perm import IPermissionPolicy
from trac.resource import ResourceNotFound
from trac.ticket.model import Ticket
from trac.wiki.model import WikiPage

from devjavu.projects.roles import (ATTACHMENT_PARENT_ACTIONS, AUTHOR_ACTIONS,
                                    READ_ONLY_PAGE_ACTIONS, trac_allows)
from devjavu.tracplugin import access


class DevjavuPermissionPolicy(Component):
    """Project roles from the shared database (the table of `devjavu.projects.roles`);
    the only entry of [trac] permission_policies.

    Decisive for every action, so that nothing granted in a Trac environment's own
    permission table can widen what a role allows. What Trac's default policies decide
    by the resource (attachments by what they are attached to, read-only wiki pages,
    authors' own descriptions and comments) is decided here, from the same table.
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
        role = user_access.role
        if action in ATTACHMENT_PARENT_ACTIONS:
            return self._attachment_permission(action, username, resource, perm)
        if trac_allows(role, action):
            return not (action in READ_ONLY_PAGE_ACTIONS and
                        not trac_allows(role, "WIKI_ADMIN") and self._read_only(resource))
        author_action = AUTHOR_ACTIONS.get(action)
        return author_action is not None and trac_allows(role, author_action) and \
            self._authored_by(username, resource)

    def _attachment_permission(self, action, username, resource, perm) -> bool:
        # Asked of the parent through Trac, so that its own rules (a read-only wiki
        # page) hold for its attachments too.
        if resource is None or resource.realm != "attachment" or resource.parent is None:
            return False
        parent_action = ATTACHMENT_PARENT_ACTIONS[action].get(resource.parent.realm)
        if parent_action is None:
            return False
        if parent_action in perm(resource.parent):
            return True
        return action == "ATTACHMENT_DELETE" and "ATTACHMENT_CREATE" in perm(resource) \
            and self._authored_by(username, resource)

    def _read_only(self, resource) -> bool:
        if resource is None or resource.realm != "wiki" or not resource.id:
            return False
        return bool(WikiPage(self.env, resource).readonly)

    def _authored_by(self, username, resource) -> bool:
        """Whether `username` reported the ticket, wrote the ticket comment or attached
        the file that `resource` is."""
        if username == "anonymous" or resource is None or resource.id is None:
            return False
        try:
            if resource.realm == "ticket":
                return Ticket(self.env, resource.id)["reporter"] == username
            if resource.realm == "comment" and resource.parent is not None and \
                    resource.parent.realm == "ticket":
                change = Ticket(self.env, resource.parent.id).get_change(resource.id)
                return change is not None and change["author"] == username
            if resource.realm == "attachment":
                return Attachment(self.env, resource).author == username
        except (ResourceNotFound, ValueError):
            return False
        return False
