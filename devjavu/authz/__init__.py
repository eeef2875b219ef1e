"""Subversion access data, generated from the shared database.

Each repository has its own authz file (`repos/<project>/conf/authz`, read by
mod_authz_svn through `AuthzSVNReposRelativeAccessFile`), so that a problem with one
project's file can only ever affect that project. The site admins, who have full access
everywhere, are one group in a groups file shared by every repository (`authz/groups` in
the data directory, `AuthzSVNGroupsFile`): granting or revoking a site admin rewrites that
one file, never every project's. Services mark projects (or the site admins) stale; the
files are rewritten after the transaction commits, so a rollback never reaches disk.
"""
from devjavu.authz.build import render_project_authz, expected_access
from devjavu.authz.install import (GROUPS_FILE, AuthzError, authz_path, mark_site_admins_stale,
                                   mark_stale, mark_user_stale, out_of_step, regenerate_all,
                                   regenerate_projects, remove_leftovers)

__all__ = ["GROUPS_FILE", "AuthzError", "authz_path", "expected_access",
           "mark_site_admins_stale", "mark_stale", "mark_user_stale", "out_of_step",
           "regenerate_all", "regenerate_projects", "remove_leftovers",
           "render_project_authz"]
