"""No other local account reads the site's data: database, repositories, Trac
environments, authz files, the cookie key, logs and backups are their owner's alone."""
import os
import stat

import pytest
import requests

from devjavu.settings import load_settings
from tests.integration.conftest import PASSWORDS

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="only root switches users")


def test_no_other_account_can_read_the_sites_data(running_site, svn):
    """After a real run (commits, Trac pages, a backup), nothing in the data directory,
    Apache's logs, the key or the backups is open to group or others."""
    auth = {"user": "alice", "password": PASSWORDS["alice"]}
    svn.run("mkdir", "-m", "modes", svn.url("priv", "modes-check"), **auth)
    assert requests.get(f"{running_site.http_url}/priv/wiki/WikiStart",
                        auth=("alice", PASSWORDS["alice"])).status_code == 200
    running_site.admin("backup", "--quiet")
    settings = load_settings(running_site.dir.ini_path)
    open_to_others = []
    for root in (settings.data_dir, settings.log_dir, settings.ssl_dir):
        for directory, dirs, files in os.walk(root):
            for name in dirs + files:
                status = os.lstat(os.path.join(directory, name))
                if not stat.S_ISLNK(status.st_mode) and status.st_mode & 0o077:
                    open_to_others.append((os.path.join(directory, name),
                                           oct(status.st_mode)))
    assert open_to_others == []
    assert os.stat(settings.data_dir).st_mode & 0o077 == 0
    backups = sorted(settings.backup_dir.glob("2*"))
    assert backups
    for path in [*backups, settings.backup_key_path]:
        status = os.stat(path)
        assert status.st_uid == 0 and status.st_mode & 0o077 == 0, path
