"""Root prepares the data directory without following the links the run user can plant."""
import os
import pwd

import pytest

from devjavu import datadir
from devjavu.settings import load_settings
from tests.support.sitedir import SiteDir


@pytest.fixture
def settings():
    if os.geteuid() != 0:
        pytest.skip("only root changes owners")
    sitedir = SiteDir()
    yield load_settings(sitedir.ini_path)
    sitedir.remove()


def test_a_planted_link_never_hands_its_target_to_the_run_user(settings, tmp_path):
    datadir.prepare(settings)
    target = tmp_path / "root-only"          # stands for /etc
    target.mkdir()
    (target / "passwd").write_text("root:x:0:0\n")
    for name in ("journal", "trash"):        # directories the run user may replace
        path = settings.data_dir / name
        path.rmdir()
        path.symlink_to(target)
    (settings.data_dir / "devjavu.sqlite").symlink_to(target / "passwd")
    datadir.prepare(settings)
    assert target.stat().st_uid == 0 and (target / "passwd").stat().st_uid == 0
    run_user = pwd.getpwnam(settings.run_user).pw_uid
    assert (settings.data_dir / "journal").lstat().st_uid == run_user


def test_the_secret_belongs_to_the_run_user_and_no_one_else_reads_it(settings):
    datadir.prepare(settings)
    status = settings.secret_path.stat()
    assert status.st_uid == pwd.getpwnam(settings.run_user).pw_uid
    assert status.st_mode & 0o777 == 0o600


def test_a_start_takes_others_access_away_but_never_through_a_link(settings, tmp_path):
    datadir.prepare(settings)
    outside = tmp_path / "root-file"                    # stands for /etc/passwd
    outside.write_text("root:x:0:0\n")
    outside.chmod(0o644)
    old = settings.repos_dir / "alpha" / "db"           # as an older release left it
    old.mkdir(parents=True, mode=0o755)
    (old / "current").write_text("1\n")
    os.chmod(old, 0o755)
    os.chmod(old / "current", 0o644)
    (old / "link").symlink_to(outside)
    run_user = pwd.getpwnam(settings.run_user)
    for path in (old.parent, old, old / "current"):
        os.chown(path, run_user.pw_uid, run_user.pw_gid)
    datadir.prepare(settings, whole_tree=True)
    assert os.stat(old).st_mode & 0o777 == 0o700
    assert os.stat(old / "current").st_mode & 0o777 == 0o600
    assert os.stat(settings.data_dir).st_mode & 0o777 == 0o700
    assert outside.stat().st_mode & 0o777 == 0o644 and outside.stat().st_uid == 0


def test_a_hard_link_to_a_root_file_keeps_its_owner(settings, tmp_path):
    datadir.prepare(settings)
    original = settings.data_dir.parent / "root-only"    # same filesystem, root's
    original.write_text("secret\n")
    os.link(original, settings.data_dir / "devjavu.sqlite-journal")
    datadir.prepare(settings)
    assert original.stat().st_uid == 0


@pytest.mark.parametrize("unsafe", ["link", "run-users-folder", "group-writable"])
def test_roots_folders_are_refused_below_what_another_user_can_change(tmp_path, unsafe):
    if os.geteuid() != 0:
        pytest.skip("only root checks")
    parent = tmp_path / "parent"
    parent.mkdir()
    if unsafe == "link":
        (tmp_path / "elsewhere").mkdir()
        parent.rmdir()
        parent.symlink_to(tmp_path / "elsewhere")
    elif unsafe == "run-users-folder":
        run_user = pwd.getpwnam("www-data")
        os.chown(parent, run_user.pw_uid, run_user.pw_gid)
    else:
        parent.chmod(0o775)
    with pytest.raises(datadir.UnsafePathError, match=str(parent)):
        datadir.root_only_directory(parent / "server", 0o755)
    assert not (tmp_path / "elsewhere" / "server").exists()
    assert not os.path.lexists(parent / "server")
