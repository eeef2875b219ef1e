"""devjavu/upkeep.py: one start brings every part of a site in step that a crash, an
older release or a moved data directory left out of it."""
import os
import time
from datetime import timedelta

import pytest
from trac.env import Environment

from devjavu import upkeep
from devjavu.accounts import users
from devjavu.authz import install
from devjavu.projects import service, trash
from devjavu.svn.repository import GENERATED_MARK
from devjavu.tracenv.config import project_ini_path, update_project_ini


@pytest.fixture
def demo(site, make_user):
    make_user("olga")
    with site.unit_of_work() as db:
        owner = users.get_user(db, "olga")
        for name in ("demo", "gone"):
            service.create_project(db, site.settings, name, owner)
    return "demo"


def _hours_ago(path, hours):
    then = time.time() - hours * 3600
    os.utime(path, (then, then))


def test_a_start_brings_everything_in_step(site, demo):
    settings = site.settings
    repository = settings.repository_path(demo)
    # An older release's hook, a half-written authz file, a missing one, Trac pointing
    # at a data directory the site moved from, and a project long in the trash.
    hook = repository / "hooks" / "post-commit"
    hook.write_text(f"#!/bin/sh\n# {GENERATED_MARK} for project demo\n")
    leftover = repository / "conf" / ".authz.abc123.tmp"
    leftover.write_text("[/]\n")
    _hours_ago(leftover, 2)
    install.authz_path(settings, demo).unlink()
    update_project_ini(project_ini_path(settings, demo),
                       {("repositories", ".dir"): "/old/data/repos/demo"})
    assert upkeep.trac_paths_out_of_step(settings, demo)
    with site.unit_of_work() as db:
        gone = service.get_project(db, "gone")
        trash.delete_project(db, settings, gone)
        gone.deleted_at -= timedelta(days=settings.trash_days + 1)

    assert upkeep.bring_site_in_step(site) == []

    assert not hook.exists() and not leftover.exists()
    for ours in ("pre-revprop-change", "post-revprop-change"):
        assert os.access(repository / "hooks" / ours, os.X_OK)
    with site.reading() as db:
        assert install.out_of_step(db, settings) == []
        assert service.find_project(db, "gone") is None
    assert not trash.trash_path(settings, "gone").exists()
    assert not upkeep.trac_paths_out_of_step(settings, demo)
    env = Environment(str(settings.trac_env_path(demo)))
    try:
        assert env.config.get("repositories", ".dir") == str(repository)
    finally:
        env.shutdown()


def test_a_project_restored_from_the_trash_follows_this_release_and_place(site, demo):
    """The trash keeps a project as it was when deleted: an upgrade since then (an old
    hook) or a moved data directory (Trac's paths) is put right by the restore."""
    settings = site.settings
    with site.unit_of_work() as db:
        trash.delete_project(db, settings, service.get_project(db, demo))
    trashed = trash.trash_path(settings, demo)
    old_hook = next(trashed.rglob("hooks")) / "post-commit"
    old_hook.write_text(f"#!/bin/sh\n# {GENERATED_MARK} for project demo\n")
    trashed_ini = next(trashed.rglob("conf/trac.ini"))
    update_project_ini(trashed_ini, {("repositories", ".dir"): "/old/data/repos/demo"})

    with site.unit_of_work() as db:
        trash.restore_project(db, settings, demo)

    assert not (settings.repository_path(demo) / "hooks" / "post-commit").exists()
    assert not upkeep.trac_paths_out_of_step(settings, demo)
