"""Marking access as changed: the site's sessions write the files after the commit; a
session of a site opened without the writer (Apache's children) refuses the change."""
import pytest

from devjavu.accounts import users
from devjavu.authz import install
from devjavu.authz.stale import NoAccessWriter
from devjavu.models import Role
from devjavu.projects import service
from devjavu.sitedatabase import SiteDatabase


@pytest.fixture
def demo(site, make_user):
    make_user("olga")
    make_user("dev")
    with site.unit_of_work() as db:
        service.create_project(db, site.settings, "demo", users.get_user(db, "olga"))
    return "demo"


def test_the_site_writes_a_marked_project_after_the_commit(site, demo):
    with site.unit_of_work() as db:
        service.add_member(db, service.get_project(db, demo), users.get_user(db, "dev"),
                           Role.DEVELOPER)
    assert "dev = rw" in install.authz_path(site.settings, demo).read_text()


def test_a_site_without_the_writer_refuses_to_change_access(site, demo):
    lean = SiteDatabase(site.settings)
    try:
        with pytest.raises(NoAccessWriter):
            with lean.unit_of_work() as db:
                service.add_member(db, service.get_project(db, demo),
                                   users.get_user(db, "dev"), Role.DEVELOPER)
    finally:
        lean.dispose()
    assert "dev = " not in install.authz_path(site.settings, demo).read_text()
    with site.reading() as db:
        assert users.get_user(db, "dev") not in [
            m.user for m in service.get_project(db, demo).memberships]
