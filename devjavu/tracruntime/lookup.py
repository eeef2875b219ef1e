"""Other users' access, for our Trac components (who may own a ticket, say): the
requesting user's comes with the request (devjavu/dispatch/app.py)."""
from devjavu.accounts.users import find_user
from devjavu.projects.roles import project_access
from devjavu.site import Site
from devjavu.tracplugin import access


def access_lookup(site: Site):
    def lookup(project_name: str, username: str) -> access.Access:
        with site.reading() as db:
            user = find_user(db, username) if username != "anonymous" else None
            visible, role = project_access(db.connection(), user, project_name)
            return access.Access(project_name, username, role, visible)
    return lookup
