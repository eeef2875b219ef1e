"""Installing authz files: atomic, validated; a project whose file fails loses it (its
repository refused until the next regeneration), the shared groups file keeps its old one."""
import os
import subprocess
import time

import pytest
from sqlalchemy import select

from devjavu import authz, fsutil
from devjavu.accounts import users
from devjavu.accounts.passwords import hash_password
from devjavu.authz import install
from devjavu.monitor.checks import check_authz_in_step
from devjavu.projects import service
from devjavu.models import Membership, Role, User
from tests.support.authzfiles import svnauthz
from tests.support.tmpfs import mounted_tmpfs


@pytest.fixture
def project(site, make_user):
    make_user("olga")
    make_user("dev")
    with site.unit_of_work() as db:
        service.create_project(db, site.settings, "demo", users.get_user(db, "olga"))
    return "demo"


def _authz_bytes(site, name):
    return install.authz_path(site.settings, name).read_bytes()


def test_created_project_has_its_authz_after_commit(site, project, make_user):
    make_user("rooty", admin=True)
    text = _authz_bytes(site, project).decode()
    assert "olga = rw" in text and "* = r" in text and "rooty" not in text
    data_dir = site.settings.data_dir
    svnauthz(data_dir, project, "validate")
    assert {name: svnauthz(data_dir, project, "accessof", "--username", name)
            for name in ("olga", "rooty", "dev")} == {"olga": "rw", "rooty": "rw", "dev": "r"}


def test_site_admin_change_rewrites_the_groups_file_only(site, project, make_user):
    make_user("rooty")
    project_file = install.authz_path(site.settings, project)
    before = project_file.stat()
    with site.unit_of_work() as db:
        users.get_user(db, "rooty").is_admin = True
        authz.mark_site_admins_stale(db)
    assert "site-admins = rooty\n" in site.settings.authz_groups_path.read_text()
    after = project_file.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    with site.unit_of_work() as db:
        users.set_active(db, users.get_user(db, "rooty"), False)
    assert site.settings.authz_groups_path.read_text().endswith("site-admins =\n")
    with site.reading() as db:
        assert install.out_of_step(db, site.settings) == []


def test_invalid_groups_file_leaves_the_previous_one(site, project, make_user, monkeypatch):
    groups = site.settings.authz_groups_path
    before = groups.read_bytes()
    monkeypatch.setattr(install, "render_groups",
                        lambda admins: "[groups]\nsite-admins = @undefined\n")
    make_user("rooty", admin=True)
    assert groups.read_bytes() == before
    with site.reading() as db:
        assert install.out_of_step(db, site.settings) == [install.GROUPS_FILE]
        assert install.regenerate_all(db, site.settings) == [install.GROUPS_FILE]
    assert groups.read_bytes() == before
    assert [p.name for p in groups.parent.iterdir()] == ["groups"]


def test_no_project_file_without_the_groups_file(site, project, monkeypatch):
    """A project file names the admins' group: if the file defining it is missing and
    cannot be written, the project keeps its previous file (Apache would refuse it)."""
    before = _authz_bytes(site, project)
    site.settings.authz_groups_path.unlink()
    monkeypatch.setattr(install, "render_groups",
                        lambda admins: "[groups]\nsite-admins = @undefined\n")
    with site.unit_of_work() as db:
        service.add_member(db, service.get_project(db, project), users.get_user(db, "dev"),
                           Role.VIEWER)
    assert _authz_bytes(site, project) == before
    assert not site.settings.authz_groups_path.exists()
    monkeypatch.undo()
    with site.reading() as db:
        assert install.regenerate_all(db, site.settings) == []
    assert "dev = r\n" in _authz_bytes(site, project).decode()


def test_membership_change_rewrites_after_commit_only(site, project):
    before = _authz_bytes(site, project)
    with pytest.raises(RuntimeError, match="abandon"):
        with site.unit_of_work() as db:
            service.add_member(db, service.get_project(db, project),
                               users.get_user(db, "dev"), Role.VIEWER)
            raise RuntimeError("abandon the transaction")
    assert _authz_bytes(site, project) == before
    with site.unit_of_work() as db:
        service.add_member(db, service.get_project(db, project), users.get_user(db, "dev"),
                           Role.VIEWER)
    assert "dev = r\n" in _authz_bytes(site, project).decode()


def test_invalid_output_shuts_the_project_out_until_regenerated(site, project, monkeypatch,
                                                                 caplog):
    monkeypatch.setattr(install, "render_project_authz",
                        lambda name, access: "[/]\n@undefined-group = rw\n")
    with site.unit_of_work() as db:
        service.add_member(db, service.get_project(db, project), users.get_user(db, "dev"),
                           Role.DEVELOPER)
    assert not install.authz_path(site.settings, project).exists()
    assert f"authz for {project} not updated, so svn access to it is denied" in caplog.text
    leftovers = [p for p in install.authz_path(site.settings, project).parent.iterdir()
                 if p.name.startswith(".authz")]
    assert leftovers == []
    with site.reading() as db:
        assert install.out_of_step(db, site.settings) == [project]
    monkeypatch.undo()
    with site.reading() as db:
        assert install.regenerate_all(db, site.settings) == []
        assert install.out_of_step(db, site.settings) == []
    assert "dev = rw\n" in _authz_bytes(site, project).decode()


def _member_named_as_an_old_database_might(site, project, username):
    """A member whose name today's rules refuse, written straight to the database (as an
    older release let in `eve\\n`): the project's file keeps what it said before."""
    with site.unit_of_work() as db:
        user = User(username=username, email="eve@example.com", is_admin=False,
                    is_active=True, password_hash=hash_password("eve-secret-123"))
        db.add(Membership(project=service.get_project(db, project), user=user,
                          role=Role.DEVELOPER))


def _project_made_private(site, project):
    with site.unit_of_work() as db:
        service.update_project(db, service.get_project(db, project), description="",
                               private=True)


def _full_regeneration(site, project):
    with site.unit_of_work() as db:
        service.get_project(db, project).is_private = True
    with site.reading() as db:
        assert install.regenerate_all(db, site.settings) == [project]


@pytest.mark.parametrize("change", [_project_made_private, _full_regeneration])
def test_a_file_that_cannot_be_written_shuts_its_project_out(site, project, make_user,
                                                              change, caplog):
    """The attack of a name ending in a newline: the project can no longer get a valid
    file, so the old one, which lets anonymous read, must not stay; the site admins'
    groups file and other projects are untouched, /_health names the project, and once
    the member is gone the next regeneration restores the right file."""
    with site.unit_of_work() as db:
        service.create_project(db, site.settings, "other", users.get_user(db, "olga"))
    untouched = {path: path.read_bytes() for path in (
        site.settings.authz_groups_path, install.authz_path(site.settings, "other"))}
    _member_named_as_an_old_database_might(site, project, "eve\n")
    data_dir = site.settings.data_dir
    assert svnauthz(data_dir, project, "accessof") == "r"          # anonymous, before

    change(site, project)

    project_file = install.authz_path(site.settings, project)
    assert not project_file.exists()
    missing = subprocess.run(["svnauthz", "accessof", str(project_file)],
                             capture_output=True, text=True)
    assert missing.returncode != 0 and missing.stdout == ""   # Subversion grants nothing
    assert f"authz for {project} not updated, so svn access to it is denied" in caplog.text
    assert {path: path.read_bytes() for path in untouched} == untouched
    with site.reading() as db:
        assert install.out_of_step(db, site.settings) == [project]
    health = check_authz_in_step(site)
    assert not health.ok and project in health.detail

    with site.unit_of_work() as db:
        eve = db.scalar(select(User).where(User.username == "eve\n"))
        service.remove_member(db, service.get_project(db, project), eve)
    with site.reading() as db:
        assert install.out_of_step(db, site.settings) == []
    assert check_authz_in_step(site).ok
    assert {name: svnauthz(data_dir, project, "accessof", *(("--username", name) if name
                                                            else ()))
            for name in ("olga", "dev", "")} == {"olga": "rw", "dev": "no", "": "no"}


def test_an_apache_without_the_groups_file_keeps_every_previous_file(site, project,
                                                                    monkeypatch):
    """The upgrade case: an older Apache would refuse any new file, so failing closed
    there would lock every project at once; each keeps its file, even a broken one."""
    before = _authz_bytes(site, project)
    monkeypatch.setattr(install, "configuration_in_use",
                        lambda settings: "# an older DevjaVu's configuration\n")
    _member_named_as_an_old_database_might(site, project, "eve\n")
    _project_made_private(site, project)
    assert _authz_bytes(site, project) == before
    with site.reading() as db:
        assert install.regenerate_all(db, site.settings) == [project]
    assert _authz_bytes(site, project) == before


def test_regenerate_repairs_what_is_out_of_step(site, project):
    path = install.authz_path(site.settings, project)
    path.write_text("# damaged\n")
    with site.reading() as db:
        assert install.out_of_step(db, site.settings) == [project]
        assert install.regenerate_all(db, site.settings) == []
        assert install.out_of_step(db, site.settings) == []


def test_one_failing_project_does_not_stop_the_others(site, project, make_user):
    with site.unit_of_work() as db:
        service.create_project(db, site.settings, "other", users.get_user(db, "olga"))
    broken_repo = site.settings.repository_path(project)
    os.rename(broken_repo, broken_repo.with_name("moved-away"))
    try:
        with site.unit_of_work() as db:
            for name in (project, "other"):
                service.add_member(db, service.get_project(db, name),
                                   users.get_user(db, "dev"), Role.VIEWER)
        assert "dev = r\n" in _authz_bytes(site, "other").decode()
    finally:
        os.rename(broken_repo.with_name("moved-away"), broken_repo)


@pytest.fixture
def tiny_disk():
    """A real full disk: a 64 KiB tmpfs (the tests run as root)."""
    with mounted_tmpfs("64k") as mount_point:
        yield mount_point


def test_full_disk_leaves_the_live_file_byte_identical(tiny_disk):
    live = tiny_disk / "authz"
    access = {"alice": "rw", "*": "r"}
    big = {f"user{i:05d}": "rw" for i in range(5000)}
    with install.reference_files() as (no_admins, _):
        fsutil.atomic_write(live, install.render_project_authz("demo", access), validate=(
            lambda temp: install.validate_authz_file(temp, access, no_admins)))
        before = live.read_bytes()
        filler = tiny_disk / "filler"
        with open(filler, "wb", buffering=0) as f:
            try:
                while True:
                    f.write(b"x" * 1024)
            except OSError:
                pass
        with pytest.raises(OSError):
            fsutil.atomic_write(live, install.render_project_authz("demo", big), validate=(
                lambda temp: install.validate_authz_file(temp, big, no_admins)))
    assert live.read_bytes() == before
    assert sorted(p.name for p in tiny_disk.iterdir()) == ["authz", "filler"]


def test_many_projects_are_written_in_one_batch(site, make_user):
    """Past fsutil.SYNCFS_FROM files the batch path writes them: every file says what the
    database says, one refused file keeps its bytes, and a second pass changes nothing."""
    from devjavu.models import Membership, Project
    count = fsutil.SYNCFS_FROM + 5
    make_user("olga")
    with site.unit_of_work() as db:
        olga = users.get_user(db, "olga")
        for i in range(count):
            project = Project(name=f"bulk{i:02d}", description="", is_private=bool(i % 2))
            db.add(project)
            db.add(Membership(project=project, user=olga, role=Role.OWNER))
            install.authz_path(site.settings, project.name).parent.mkdir(parents=True)
    with site.reading() as db:
        assert install.regenerate_all(db, site.settings) == []
        assert install.out_of_step(db, site.settings) == []
    assert _authz_bytes(site, "bulk01").decode().endswith(
        "[/]\nolga = rw\n@site-admins = rw\n")
    assert _authz_bytes(site, "bulk02").decode().endswith(
        "[/]\nolga = rw\n@site-admins = rw\n* = r\n")
    before = {f"bulk{i:02d}": _authz_bytes(site, f"bulk{i:02d}") for i in range(count)}
    make_user("rita")
    with site.unit_of_work() as db:
        rita = users.get_user(db, "rita")
        for project in db.scalars(select(Project)):
            db.add(Membership(project=project, user=rita, role=Role.DEVELOPER))
    real_render = install.render_project_authz
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(install, "render_project_authz", lambda name, access: (
            "[/]\n@undefined = rw\n" if name == "bulk03" else real_render(name, access)))
        with site.reading() as db:
            assert install.regenerate_all(db, site.settings) == ["bulk03"]
    assert not install.authz_path(site.settings, "bulk03").exists()
    assert all("rita = rw\n" in _authz_bytes(site, name).decode()
               for name in before if name != "bulk03")
    with site.reading() as db:
        assert install.out_of_step(db, site.settings) == ["bulk03"]
        assert install.regenerate_all(db, site.settings) == []
    leftovers = [p for p in site.settings.repository_path("bulk03").rglob(".authz*")]
    assert leftovers == []


def test_full_authz_directory_shuts_out_the_changed_project_only(site, project, tiny_disk):
    """The reference files for checking go in the data directory's authz/: with no room
    there, a membership change still commits, nothing raises, the groups file keeps its
    bytes, and the changed project, whose file cannot be checked, loses it."""
    from tests.support.tmpfs import fill
    with site.unit_of_work() as db:
        service.create_project(db, site.settings, "other", users.get_user(db, "olga"))
    other = _authz_bytes(site, "other")
    authz_dir = site.settings.authz_dir
    groups = site.settings.authz_groups_path.read_bytes()
    (tiny_disk / "groups").write_bytes(groups)
    fill(tiny_disk / "filler")
    (authz_dir / "groups").unlink()
    authz_dir.rmdir()
    authz_dir.symlink_to(tiny_disk)
    with site.unit_of_work() as db:
        service.add_member(db, service.get_project(db, project), users.get_user(db, "dev"),
                           Role.VIEWER)
    assert not install.authz_path(site.settings, project).exists()
    assert _authz_bytes(site, "other") == other
    with site.reading() as db:
        assert install.out_of_step(db, site.settings) == [project]
    assert sorted(p.name for p in tiny_disk.iterdir()) == ["filler", "groups"]
    assert (tiny_disk / "groups").read_bytes() == groups


def test_leftovers_of_killed_writes_are_removed_once_old(site, project):
    conf = install.authz_path(site.settings, project).parent
    authz_dir = site.settings.authz_dir
    old = [conf / ".authz.abc123.tmp", authz_dir / ".groups.def456.tmp"]
    fresh = conf / ".authz.ghi789.tmp"
    checking = authz_dir / ".check-jkl012"
    checking.mkdir()
    (checking / "no-admins").write_text("[groups]\nsite-admins =\n")
    for path in old + [fresh]:
        path.write_text("[/]\n")
    two_hours_ago = time.time() - 7200
    for path in old + [checking]:
        os.utime(path, (two_hours_ago, two_hours_ago))
    before = _authz_bytes(site, project)
    assert install.remove_leftovers(site.settings, [project]) == 3
    assert not any(path.exists() for path in old + [checking])
    assert fresh.exists() and _authz_bytes(site, project) == before
    assert site.settings.authz_groups_path.exists()


@pytest.mark.parametrize("rules, expected", [
    ("alice = r", {"alice": "rw"}),     # write expected, read only granted
    ("alice = rw", {"alice": "r"}),     # read only expected, write granted
    ("bob = r", {"alice": "r"}),        # read expected, nothing granted
    ("alice = r", {"alice": ""}),       # nothing expected, read granted
    ("* = rw", {"alice": "r"}),         # granted through the anonymous rule
])
def test_subversion_check_catches_each_wrong_access(tmp_path, rules, expected):
    """Subversion's check alone (without the read-back) tells every access apart, though
    it asks one question for "rw" and for none, and two for "r"."""
    path = tmp_path / "authz"
    path.write_text(f"[/]\n{rules}\n")
    with install.reference_files(tmp_path) as (no_admins, _):
        with pytest.raises(install.AuthzError, match="wrong access"):
            install._check_with_subversion(path, path, no_admins, expected)


def test_subversion_check_accepts_each_right_access(tmp_path):
    path = tmp_path / "authz"
    path.write_text("[/]\nalice = rw\nbob = r\ncarol =\n")
    with install.reference_files(tmp_path) as (no_admins, _):
        install._check_with_subversion(path, path, no_admins,
                                       {"alice": "rw", "bob": "r", "carol": "", "dave": ""})
