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
