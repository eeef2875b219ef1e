"""Changing a site through the services in-process, in a child that runs as the run user
(so the data directory stays its): many projects quickly, instead of one CLI process per
project, or what no command does."""
import os
import traceback

from devjavu import datadir
from devjavu.accounts import users
from devjavu.projects import service
from devjavu.settings import load_settings
from devjavu.site import Site


def as_run_user(ini_path, work) -> None:
    """`work(site)` in a forked child that runs as the run user, with its own Site; raises
    RuntimeError if it failed (its traceback goes to stderr)."""
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            settings = load_settings(ini_path)
            datadir.drop_privileges(settings)
            work(Site(settings))
            code = 0
        except BaseException:
            traceback.print_exc()
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{getattr(work, '__name__', work)} failed as the run user")


def create_projects(ini_path, owner: str, names: list[str]) -> None:
    def create(site):
        for name in names:
            with site.unit_of_work() as db:
                service.create_project(db, site.settings, name, users.get_user(db, owner))
    as_run_user(ini_path, create)
