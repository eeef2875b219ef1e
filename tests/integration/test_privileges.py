"""The run user (any code in Apache's daemon) can replace anything in the data directory
with a symbolic link; root's commands must then neither write, chown nor read through
it."""
import hashlib
import os
import pwd
import shutil
import stat
import tempfile
from pathlib import Path

import pytest
import requests

from tests.support.apache import RunningApache, admin
from tests.support.populate import as_run_user
from tests.support.sitedir import SiteDir

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="only root switches users")


def _snapshot(root: Path) -> dict:
    """Owner, mode and content of everything below `root`, links not followed."""
    seen = {}
    for directory, dirs, files in os.walk(root):
        for name in ["."] + dirs + files:
            path = Path(directory) / name
            status = os.lstat(path)
            content = (os.readlink(path) if stat.S_ISLNK(status.st_mode) else
                       hashlib.sha256(path.read_bytes()).hexdigest()
                       if stat.S_ISREG(status.st_mode) else None)
            seen[str(path.relative_to(root))] = (status.st_uid, status.st_gid,
                                                  status.st_mode, content)
    return seen


def _decoy(sitedir: SiteDir, names) -> Path:
    """Root's folders outside the site, one per planted link: they stand for /etc."""
    decoy = sitedir.root / "decoy"
    for name in names:
        (decoy / name).mkdir(parents=True)
        (decoy / name / "passwd").write_text("root:x:0:0\n")
    return decoy


def _plant_links(sitedir: SiteDir, decoy: Path, names) -> None:
    """As the run user, as code in Apache's daemon would: each name moved aside and
    replaced by a link into the decoy."""
    def plant(site):
        for name in names:
            path = site.settings.data_dir / name
            if os.path.lexists(path):
                path.rename(path.with_name(f"{name}.moved"))
            path.symlink_to(decoy / name)
    as_run_user(sitedir.ini_path, plant)


@pytest.fixture
def sitedir():
    sitedir = SiteDir()
    admin(sitedir, "migrate")
    admin(sitedir, "user", "add", "alice", "--email", "alice@example.com",
          input="alice-secret-1\n")
    admin(sitedir, "project", "add", "alpha", "--owner", "alice")
    yield sitedir
    sitedir.remove()


def test_serve_writes_nothing_through_links_the_run_user_planted(sitedir):
    # Where root's config, certificate and logs once lived, and the folders whose
    # loss still lets the site start.
    names = ["run", "logs", "ssl", "trash", "journal"]
    decoy = _decoy(sitedir, names)
    before = _snapshot(decoy)
    _plant_links(sitedir, decoy, names)
    apache = RunningApache(sitedir)
    try:
        assert requests.get(sitedir.http_url + "/_health").status_code in (200, 503)
    finally:
        assert not apache.stop()
    assert _snapshot(decoy) == before
    assert (sitedir.log_dir / "error.log").exists()


def test_root_commands_write_nothing_through_links_the_run_user_planted(sitedir):
    names = ["repos", "authz", "trac", "run", "trash", "journal", "secret.key",
             "devjavu.sqlite"]
    admin(sitedir, "backup", "--quiet")
    backup = sorted(sitedir.backup_dir.glob("2*"))[-1]
    decoy = _decoy(sitedir, names)
    before = _snapshot(decoy)
    _plant_links(sitedir, decoy, names)
    commands = [["migrate"], ["check"], ["authz", "regenerate"], ["backup", "--quiet"],
                ["user", "add", "bob", "--email", "bob@example.com"],
                ["project", "purge"], ["restore", str(backup)]]
    for command in commands:
        # Most fail (their data is gone); none may change what the links point to.
        admin(sitedir, *command, input="bob-secret-12\n", check=False)
        assert _snapshot(decoy) == before, command


def test_root_files_cannot_live_below_a_folder_of_the_run_user():
    owned = Path(tempfile.mkdtemp(prefix="devjavu-test-www-"))
    user = pwd.getpwnam("www-data")
    os.chown(owned, user.pw_uid, user.pw_gid)
    sitedir = SiteDir(**{"devjavu.server_dir": str(owned / "server")})
    try:
        result = admin(sitedir, "migrate", check=False)
        assert result.returncode == 1
        assert f"{owned} can be changed by another user than root" in result.stderr
        assert not (owned / "server").exists() and not sitedir.data_dir.exists()
    finally:
        sitedir.remove()
        shutil.rmtree(owned)
