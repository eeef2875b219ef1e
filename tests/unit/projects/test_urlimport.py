"""What an owner may do with a stopped import: retry (with the password again, if the
source needs one) or give up (the project keeps its history and becomes writable)."""
import pytest

from devjavu.authz.build import expected_access
from devjavu.jobs import secrets
from devjavu.models import JobState
from devjavu.projects import service, urlimport
from devjavu.projects.service import ProjectError
from devjavu.svn.repository import IMPORT_IN_PROGRESS
from tests.support.jobs import stop_an_import


@pytest.fixture
def stopped_import(site, make_user):
    """Project `mirror` whose import (from a source with a user name) failed."""
    make_user("olga")
    return stop_an_import(site, "mirror", "olga", username="reader")


def _project(db):
    return service.get_project(db, "mirror")


def test_a_retry_needs_the_password_again_and_hands_it_to_the_runner_only(site,
                                                                        stopped_import):
    with site.unit_of_work() as db, pytest.raises(ProjectError, match="password again"):
        urlimport.retry_import(db, site.settings, _project(db))
    with site.unit_of_work() as db:
        job = urlimport.retry_import(db, site.settings, _project(db), password="pw-1")
        assert job.state == JobState.QUEUED and "pw-1" not in job.payload + job.error
    assert secrets.take(site.settings, stopped_import) == "pw-1"
    assert secrets.take(site.settings, stopped_import) is None     # taken once
    with site.unit_of_work() as db, pytest.raises(ProjectError, match="only a failed"):
        urlimport.retry_import(db, site.settings, _project(db), password="pw-1")


def test_a_retry_that_rolls_back_leaves_no_password_behind(site, stopped_import):
    with pytest.raises(RuntimeError), site.unit_of_work() as db:
        urlimport.retry_import(db, site.settings, _project(db), password="pw-2")
        raise RuntimeError("the request failed after the service")
    assert secrets.take(site.settings, stopped_import) is None


def test_giving_up_keeps_the_history_and_makes_the_project_writable(site, stopped_import):
    with site.reading() as db:
        assert expected_access(db, _project(db))["olga"] == "r"
    with site.unit_of_work() as db:
        urlimport.cancel_import(db, site.settings, _project(db))
    with site.reading() as db:
        assert expected_access(db, _project(db))["olga"] == "rw"
        assert urlimport.import_job(db, _project(db)).state == JobState.CANCELLED
    repository = site.settings.repository_path("mirror")
    assert not (repository / IMPORT_IN_PROGRESS).exists()
    assert (repository / "format").exists()
    with site.unit_of_work() as db, pytest.raises(ProjectError, match="Only a failed"):
        urlimport.cancel_import(db, site.settings, _project(db))
