"""Project creation is all or nothing across kill -9 at any step: a real SIGKILL of a
real process, mid-transaction, then what the next start or creation finds."""
import os
import signal

import pytest
from sqlalchemy import select

from devjavu.accounts import users
from devjavu.models import Project
from devjavu.monitor.checks import check_leftovers
from devjavu.projects import journal, service
from devjavu.site import Site
from devjavu.svn.repository import create_repository


def _killed_there(step, before: bool):
    """A wrapper of `step` that kills this process just before or after the step."""
    def die_there(*args, **kwargs):
        if not before:
            step(*args, **kwargs)
        os.kill(os.getpid(), signal.SIGKILL)
    return die_there


# Where the creating process dies (before or after which step), and whether the
# database had committed by then.
KILL_POINTS = {
    "nothing made yet": ("devjavu.projects.journal.begin", True, False),
    "journal written": ("devjavu.projects.journal.begin", False, False),
    "repository made": ("devjavu.projects.service.create_repository", False, False),
    "trac made, not committed": ("devjavu.projects.service.create_environment", False,
                                 False),
    "committed, journal not cleared": ("devjavu.projects.journal.end", True, True),
}


def _create_and_die(settings, point: str) -> None:
    """Create project "demo" in a child process that SIGKILLs itself at `point`."""
    where, before, _ = KILL_POINTS[point]
    pid = os.fork()
    if pid == 0:
        try:
            module_name, _, attribute = where.rpartition(".")
            module = __import__(module_name, fromlist=[attribute])
            setattr(module, attribute, _killed_there(getattr(module, attribute), before))
            site = Site(settings)           # its own connections, as a daemon has
            with site.unit_of_work() as db:
                service.create_project(db, settings, "demo", users.get_user(db, "olga"))
        finally:
            os._exit(3)                     # reached only if the kill never came
    _, status = os.waitpid(pid, 0)
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL


def _project_in_database(site) -> bool:
    with site.reading() as db:
        return db.scalar(select(Project.id).where(Project.name == "demo")) is not None


@pytest.fixture
def olga(make_user):
    make_user("olga")


@pytest.mark.parametrize("point", sorted(KILL_POINTS))
def test_a_killed_creation_is_settled_at_the_next_start(site, olga, point):
    committed = KILL_POINTS[point][2]
    _create_and_die(site.settings, point)
    assert _project_in_database(site) is committed
    started = point != "nothing made yet"
    assert journal.abandoned(site.settings) == (["demo"] if started else [])
    leftovers = check_leftovers(site)
    assert leftovers.ok is not started
    assert ("demo" in leftovers.detail) is started
    with site.reading() as db:
        rolled_back = journal.settle(db, site.settings)      # what every start runs
    assert rolled_back == (["demo"] if started and not committed else [])
    assert site.settings.repository_path("demo").exists() is committed
    assert site.settings.trac_env_path("demo").exists() is committed
    assert journal.abandoned(site.settings) == []
    assert check_leftovers(site).ok


@pytest.mark.parametrize("point", ["repository made", "trac made, not committed"])
def test_the_name_is_free_again_at_once(site, olga, point):
    """No restart needed: creating the name again clears what the killed one left."""
    _create_and_die(site.settings, point)
    with site.unit_of_work() as db:
        service.create_project(db, site.settings, "demo", users.get_user(db, "olga"))
    assert _project_in_database(site)
    assert journal.abandoned(site.settings) == []
    assert check_leftovers(site).ok


def test_a_creation_in_flight_is_left_alone(site, olga):
    journal.begin(site.settings, "demo")                   # this very process
    create_repository(site.settings, "demo")
    assert journal.abandoned(site.settings) == []
    with site.reading() as db:
        assert journal.settle(db, site.settings) == []
        assert journal.orphans(db, site.settings) == []
    assert site.settings.repository_path("demo").exists()
    journal.end(site.settings, "demo")


def test_directories_no_project_owns_are_reported_not_removed(site, olga):
    """Made by hand, or by a version without the journal: the operator decides."""
    create_repository(site.settings, "stray")
    leftovers = check_leftovers(site)
    assert not leftovers.ok and "stray" in leftovers.detail
    with site.reading() as db:
        assert journal.settle(db, site.settings) == []
    assert site.settings.repository_path("stray").exists()
