"""Project creation is all or nothing; members and roles keep an owner."""
import pytest
from sqlalchemy import select

from devjavu.accounts import users
from devjavu.models import Membership, Project, Role
from devjavu.projects import service
from devjavu.tracenv import TracEnvError


@pytest.fixture
def owner(make_user):
    make_user("olga")
    make_user("dev")
    return "olga"


def _create(site, name, **kwargs):
    with site.unit_of_work() as db:
        service.create_project(db, site.settings, name, users.get_user(db, "olga"),
                               **kwargs)


def _nothing_made(site, name):
    with site.reading() as db:
        assert db.scalar(select(Project).where(Project.name == name)) is None
        assert db.scalars(select(Membership)).all() == [] or all(
            m.project.name != name for m in db.scalars(select(Membership)))
    assert not site.settings.repository_path(name).exists()
    assert not site.settings.trac_env_path(name).exists()


def test_creates_repository_trac_and_owner(site, owner):
    _create(site, "demo", description="Demo project", private=True)
    settings = site.settings
    assert (settings.repository_path("demo") / "format").exists()
    # No hook of ours runs at a commit: Trac learns of revisions when it is read.
    assert not (settings.repository_path("demo") / "hooks" / "post-commit").exists()
    trac_ini = (settings.trac_env_path("demo") / "conf" / "trac.ini").read_text()
    assert f"file = {settings.shared_trac_ini}" in trac_ini
    assert f".dir = {settings.repository_path('demo')}" in trac_ini
    with site.reading() as db:
        project = service.get_project(db, "demo")
        assert (project.description, project.is_private) == ("Demo project", True)
        assert [(u.username) for u in service.owners_of(db, project)] == ["olga"]


@pytest.mark.parametrize("name,message", [
    ("svn", "reserved"), ("admin", "reserved"), ("x", "2 to 40"), ("Bad_Name", "2 to 40"),
])
def test_bad_names_create_nothing(site, owner, name, message):
    with pytest.raises(service.ProjectError, match=message):
        _create(site, name)
    _nothing_made(site, name)


def test_duplicate_name_is_refused(site, owner):
    _create(site, "demo")
    with pytest.raises(service.ProjectError, match="already exists"):
        _create(site, "demo")


def test_leftover_directory_on_disk_is_refused(site, owner):
    site.settings.trac_env_path("demo").mkdir(parents=True)
    with pytest.raises(service.ProjectError, match="already exists on disk"):
        _create(site, "demo")
    with site.reading() as db:
        assert service.find_project(db, "demo") is None


def test_failing_trac_creation_removes_the_repository(site, owner, monkeypatch):
    def fail(settings, name, description=""):
        settings.trac_env_path(name).mkdir()
        raise TracEnvError("disk on fire")
    monkeypatch.setattr(service, "create_environment", fail)
    with pytest.raises(service.ProjectError, match="disk on fire"):
        _create(site, "demo")
    _nothing_made(site, "demo")


def test_failing_commit_removes_what_was_made(site, owner):
    with pytest.raises(RuntimeError):
        with site.unit_of_work() as db:
            service.create_project(db, site.settings, "demo", users.get_user(db, "olga"))
            assert site.settings.repository_path("demo").exists()
            raise RuntimeError("the transaction is abandoned after creation")
    _nothing_made(site, "demo")


def test_overlong_description_is_refused(site, owner):
    with pytest.raises(service.ProjectError, match="at most 2000"):
        _create(site, "demo", description="x" * 2001)
    _nothing_made(site, "demo")


@pytest.mark.parametrize("description", [
    "Tools\r[project]\rfooter = <script>", "two\nlines", "a\x0bvertical tab", "nul\x00",
    "next\x85line", "line\u2028separator", "tab\there",
])
def test_a_description_is_one_line_without_control_characters(site, owner, description):
    with pytest.raises(service.ProjectError, match="one line, without control characters"):
        _create(site, "demo", description=description)
    _nothing_made(site, "demo")


def test_members_and_the_last_owner(site, owner):
    _create(site, "demo")
    with site.unit_of_work() as db:
        project, dev = service.get_project(db, "demo"), users.get_user(db, "dev")
        service.add_member(db, project, dev, Role.DEVELOPER)
        with pytest.raises(service.MembershipError, match="already a member"):
            service.add_member(db, project, dev, Role.VIEWER)
        with pytest.raises(service.MembershipError, match="last owner"):
            service.remove_member(db, project, users.get_user(db, "olga"))
        with pytest.raises(service.MembershipError, match="last owner"):
            service.change_role(db, project, users.get_user(db, "olga"), Role.VIEWER)
        service.change_role(db, project, dev, Role.OWNER)
        service.remove_member(db, project, users.get_user(db, "olga"))
    with site.reading() as db:
        assert [u.username for u in service.owners_of(db, service.get_project(db, "demo"))] \
            == ["dev"]
