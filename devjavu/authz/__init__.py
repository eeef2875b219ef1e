"""Subversion access data, generated from the shared database.

Each repository has its own authz file (`repos/<project>/conf/authz`, read by
mod_authz_svn through `AuthzSVNReposRelativeAccessFile`), so that a problem with one
project's file can only ever affect that project. The site admins, who have full access
everywhere, are one group in a groups file shared by every repository (`authz/groups` in
the data directory, `AuthzSVNGroupsFile`): granting or revoking a site admin rewrites that
one file, never every project's.

Services mark projects (or the site admins) stale with the names below (stale.py: no
Subversion bindings, no Trac, so an Apache child that imports the account services does
not load them); the site rewrites the files after the transaction commits (install.py,
the writer), so a rollback never reaches disk. build.py renders and parses the files.
"""
from devjavu.authz.stale import mark_site_admins_stale, mark_stale, mark_user_stale

__all__ = ["mark_site_admins_stale", "mark_stale", "mark_user_stale"]
