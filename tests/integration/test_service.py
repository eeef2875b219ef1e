"""The site as its systemd unit runs it: with NoNewPrivileges (Apache still switches to
the run user, which gives privileges up) and umask 077."""
import os
import shutil
import stat

import pytest
import requests

from devjavu.settings import load_settings
from tests.support.apache import RunningApache, admin
from tests.support.sitedir import SiteDir
from tests.support.svnclient import SvnClient

pytestmark = pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("setpriv"),
                                reason="needs root and util-linux's setpriv")


def test_the_site_serves_and_commits_without_new_privileges(tmp_path):
    sitedir = SiteDir()
    try:
        admin(sitedir, "migrate")
        admin(sitedir, "user", "add", "olga", "--email", "olga@example.com",
              input="olga-password\n")
        admin(sitedir, "project", "add", "alpha", "--owner", "olga", "--private")
        apache = RunningApache(sitedir, prefix=("setpriv", "--no-new-privs"))
        try:
            svn = SvnClient(sitedir.http_url, tmp_path)
            wc = svn.checkout("alpha", user="olga", password="olga-password")
            svn.add_file(wc, "README", "hello\n")
            svn.commit(wc, "first", user="olga", password="olga-password")
            assert svn.youngest("alpha", user="olga", password="olga-password") == 1
            assert requests.get(f"{sitedir.http_url}/alpha/changeset/1",
                                auth=("olga", "olga-password")).status_code == 200
        finally:
            assert not apache.stop()
        # What Apache's children wrote for the commit is theirs alone.
        revision = load_settings(sitedir.ini_path).repository_path("alpha") / "db" / "revs"
        for path in revision.rglob("*"):
            assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0, path
    finally:
        sitedir.remove()
