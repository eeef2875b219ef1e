"""Subversion access data, generated from the shared database.

Each repository has its own authz file (`repos/<project>/conf/authz`, read by
mod_authz_svn through `AuthzSVNReposRelativeAccessFile`), so that a problem with one
project's file can only ever affect that project. Services mark projects stale; the files
are rewritten after the transaction commits, so a rollback never reaches disk.
"""
from devjavu.authz.build import render_project_authz, expected_access
from devjavu.authz.install import (AuthzError, authz_path, mark_all_stale, mark_stale,
                                   mark_user_stale, out_of_step_projects,
                                   regenerate_all, regenerate_projects)

__all__ = ["AuthzError", "authz_path", "expected_access", "mark_all_stale", "mark_stale",
           "mark_user_stale", "out_of_step_projects", "regenerate_all",
           "regenerate_projects", "render_project_authz"]
