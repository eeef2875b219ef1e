"""A project whose authz file cannot be written is shut, never left as it was: a member
named "eve\\n" (as an older release let in) makes the file impossible; the project is then
made private. Before, the old file stayed and anonymous readers kept reading it."""
import pytest
from sqlalchemy import select

from devjavu.accounts.passwords import hash_password
from devjavu.models import Membership, Role, User
from devjavu.projects import service
from tests.integration.conftest import PASSWORDS
from tests.support.populate import as_run_user

PROJECT = "leaky"
BAD_NAME = "eve\n"


@pytest.fixture(scope="module")
def leaky(running_site):
    """A public project of alice's, bob a developer of it."""
    running_site.admin("project", "add", PROJECT, "--owner", "alice")
    running_site.admin("member", "add", PROJECT, "bob", "--role", "developer")
    return running_site.dir.data_dir / "repos" / PROJECT / "conf" / "authz"


def _bad_member_joins(site):
    """Straight into the database, as an old one might hold it: no file is rewritten."""
    with site.unit_of_work() as db:
        user = User(username=BAD_NAME, email="eve@example.com", is_admin=False,
                    is_active=True, password_hash=hash_password("eve-secret-123"))
        db.add(Membership(project=service.get_project(db, PROJECT), user=user,
                          role=Role.DEVELOPER))


def _made_private(site):
    with site.unit_of_work() as db:
        service.update_project(db, service.get_project(db, PROJECT), description="",
                               private=True)


def _bad_member_disabled(site):
    with site.unit_of_work() as db:
        db.scalar(select(User).where(User.username == BAD_NAME)).is_active = False


def _lists(svn, project, who=None):
    credentials = {} if who is None else {"user": who, "password": PASSWORDS[who]}
    return svn.run("ls", svn.url(project), check=False, **credentials).returncode == 0


def _authz_check_line(running_site):
    result = running_site.admin("check", check=False)
    return next(line for line in result.stdout.splitlines() if " authz: " in line)


def test_a_project_whose_file_cannot_be_written_lets_no_one_in(running_site, svn, leaky):
    everyone = [None, "alice", "bob", "nora", "sam"]
    assert [_lists(svn, PROJECT, who) for who in everyone] == [True] * 5
    as_run_user(running_site.dir.ini_path, _bad_member_joins)
    try:
        as_run_user(running_site.dir.ini_path, _made_private)
        assert [_lists(svn, PROJECT, who) for who in everyone] == [False] * 5
        assert not leaky.exists()
        assert _lists(svn, "pub") and _lists(svn, "priv", "bob")    # the others unharmed
        health = _authz_check_line(running_site)
        assert health.startswith("FAIL") and PROJECT in health
        assert "svn access to it is denied" in running_site.admin(
            "authz", "regenerate", check=False).stderr
        assert not leaky.exists()
    finally:
        running_site.admin("member", "remove", PROJECT, BAD_NAME)
        as_run_user(running_site.dir.ini_path, _bad_member_disabled)
    assert _authz_check_line(running_site).startswith("ok ")
    assert {who: _lists(svn, PROJECT, who) for who in everyone} == {
        None: False, "alice": True, "bob": True, "nora": False, "sam": True}
