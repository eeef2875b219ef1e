"""Renaming a project: everything that names it follows, or nothing moves."""
import subprocess

import pytest
from trac.config import Configuration
from trac.env import Environment
from trac.versioncontrol.api import RepositoryManager

from sqlalchemy import select

from devjavu import audit
from devjavu.authz import install
from devjavu.accounts import users
from devjavu.jobs import queue
from devjavu.models import Job, JobState, Role
from devjavu.projects import service, trash
from devjavu.projects.rename import rename_project
from devjavu.projects.service import ProjectError


@pytest.fixture
def demo(site, make_user):
    make_user("olga")
    make_user("vera")
    with site.unit_of_work() as db:
        project = service.create_project(db, site.settings, "demo",
                                         users.get_user(db, "olga"), private=True)
        service.add_member(db, project, users.get_user(db, "vera"), Role.VIEWER)
    return site


def _svn_mkdir(site, name, directory):
    url = site.settings.repository_path(name).as_uri()
    subprocess.run(["svn", "mkdir", "-q", "-m", f"make {directory}", f"{url}/{directory}"],
                   check=True, capture_output=True)


def _trac_syncs_to(site, name) -> int:
    """Trac's cache of the repository, synced as the dispatcher does before a page."""
    env = Environment(str(site.settings.trac_env_path(name)))
    try:
        repository = RepositoryManager(env).get_repository("")
        repository.sync()
        return repository.youngest_rev
    finally:
        env.shutdown()


def test_everything_follows_the_new_name(demo):
    site, settings = demo, demo.settings
    _svn_mkdir(site, "demo", "trunk")
    with site.unit_of_work() as db:
        rename_project(db, settings, service.get_project(db, "demo"), "atlas")
    assert not settings.repository_path("demo").exists()
    assert not settings.trac_env_path("demo").exists()
    config = Configuration(str(settings.trac_env_path("atlas") / "conf" / "trac.ini"))
    assert config.get("repositories", ".dir") == str(settings.repository_path("atlas"))
    assert config.get("project", "name") == "atlas"
    text = install.authz_path(settings, "atlas").read_text()
    assert "project atlas" in text and "olga = rw" in text and "vera = r\n" in text
    with site.reading() as db:
        assert service.find_project(db, "demo") is None
        project = service.get_project(db, "atlas")
        assert project.is_private and len(project.memberships) == 2
        assert install.out_of_step(db, settings) == []
        [event] = audit.recent(db, event_prefix=audit.PROJECT_RENAMED)
        assert (event.subject, event.detail) == ("atlas", "from demo")
    # A commit after the rename reaches Trac: its cache follows the new directory.
    _svn_mkdir(site, "atlas", "branches")
    assert _trac_syncs_to(site, "atlas") == 2


def test_an_abandoned_transaction_moves_everything_back(demo):
    site, settings = demo, demo.settings
    authz_before = install.authz_path(settings, "demo").read_bytes()
    with pytest.raises(RuntimeError, match="abandon"):
        with site.unit_of_work() as db:
            rename_project(db, settings, service.get_project(db, "demo"), "atlas")
            assert settings.repository_path("atlas").is_dir()
            raise RuntimeError("abandon")
    assert not settings.repository_path("atlas").exists()
    assert not settings.trac_env_path("atlas").exists()
    assert install.authz_path(settings, "demo").read_bytes() == authz_before
    config = Configuration(str(settings.trac_env_path("demo") / "conf" / "trac.ini"))
    assert config.get("repositories", ".dir") == str(settings.repository_path("demo"))
    assert config.get("project", "name") == "demo"
    _svn_mkdir(site, "demo", "trunk")
    assert _trac_syncs_to(site, "demo") == 1


@pytest.mark.parametrize("new_name,message", [
    ("svn", "reserved"), ("X", "2 to 40 characters"), ("atlas\n", "2 to 40 characters"),
    ("demo", "already called"),
    ("other", "already exists"), ("gone", "already exists"),
])
def test_a_refused_rename_changes_nothing(demo, new_name, message):
    site, settings = demo, demo.settings
    with site.unit_of_work() as db:
        olga = users.get_user(db, "olga")
        service.create_project(db, settings, "other", olga)
        service.create_project(db, settings, "gone", olga)
    with site.unit_of_work() as db:
        trash.delete_project(db, settings, service.get_project(db, "gone"))
    with pytest.raises(ProjectError, match=message):
        with site.unit_of_work() as db:
            rename_project(db, settings, service.get_project(db, "demo"), new_name)
    assert settings.repository_path("demo").is_dir()
    with site.reading() as db:
        assert service.get_project(db, "demo").name == "demo"


def test_a_project_in_the_trash_is_not_renamed(demo):
    site, settings = demo, demo.settings
    with site.unit_of_work() as db:
        trash.delete_project(db, settings, service.get_project(db, "demo"))
    with pytest.raises(ProjectError, match="in the trash"):
        with site.unit_of_work() as db:
            rename_project(db, settings, service.find_project(db, "demo"), "atlas")
    assert trash.trash_path(settings, "demo").is_dir()


def test_a_project_being_imported_is_not_renamed(demo):
    """The copy writes into the repository's directory: moving it would lose the copy."""
    site, settings = demo, demo.settings
    with site.unit_of_work() as db:
        queue.enqueue(db, "import", {}, service.get_project(db, "demo"), blocks_writes=True)
    with pytest.raises(ProjectError, match="being imported"):
        with site.unit_of_work() as db:
            rename_project(db, settings, service.get_project(db, "demo"), "atlas")
    assert settings.repository_path("demo").is_dir()
    with site.unit_of_work() as db:
        [job] = db.scalars(select(Job)).all()
        queue.end(db, job.id, JobState.CANCELLED)
    with site.unit_of_work() as db:
        rename_project(db, settings, service.get_project(db, "demo"), "atlas")
    assert settings.repository_path("atlas").is_dir()
