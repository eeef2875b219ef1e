"""An Apache started by an older DevjaVu, still running after the code was upgraded: its
configuration names no groups file, so a project authz file granting the site admins'
group would lock everyone out of that repository. Nothing may write one until the site
is restarted, and `serve` refuses to start a second site over the running one."""
import subprocess
import time

import pytest

from devjavu.apacheconf.render import APACHE_BINARY
from devjavu.apacheconf.server import prepare_server
from devjavu.settings import load_settings
from tests.support.apache import RunningApache, wait_for_port, admin
from tests.support.processes import stop_group
from tests.support.sitedir import SiteDir
from tests.support.svnclient import SvnClient

# The project's file as the older DevjaVu wrote it: site admins named one by one.
OLD_FORMAT = "[/]\nalice = rw\n"


@pytest.fixture
def old_site():
    site = SiteDir()
    try:
        admin(site, "migrate")
        for name in ("alice", "bob"):
            admin(site, "user", "add", name, "--email", f"{name}@example.com",
                  input=f"{name}-secret-123\n")
        admin(site, "project", "add", "demo", "--owner", "alice", "--private")
        settings = load_settings(site.ini_path)
        (settings.repository_path("demo") / "conf" / "authz").write_text(OLD_FORMAT)
        settings.authz_groups_path.unlink()
        conf = prepare_server(settings)[2]
        with open(conf) as f:
            lines = [line for line in f if "AuthzSVNGroupsFile" not in line]
        with open(conf, "w") as f:
            f.writelines(lines)
        apache = subprocess.Popen([APACHE_BINARY, "-f", conf, "-DFOREGROUND"],
                                  start_new_session=True)
        try:
            wait_for_port(site.http_port, apache, time.monotonic() + 60)
            yield site, settings, apache
        finally:
            stop_group(apache, wait_seconds=20)
    finally:
        site.remove()


def test_no_lockout_while_an_older_apache_runs(old_site, tmp_path):
    site, settings, apache = old_site
    project_file = settings.repository_path("demo") / "conf" / "authz"
    svn = SvnClient(site.http_url, tmp_path)
    alice = {"user": "alice", "password": "alice-secret-123"}
    bob = {"user": "bob", "password": "bob-secret-123"}
    assert svn.run("ls", svn.url("demo"), **alice).returncode == 0

    admin(site, "member", "add", "demo", "bob", "--role", "developer")
    admin(site, "migrate")
    regenerate = admin(site, "authz", "regenerate", check=False)
    assert regenerate.returncode != 0 and "demo" in regenerate.stderr
    assert "older DevjaVu" in regenerate.stderr
    assert project_file.read_text() == OLD_FORMAT
    assert svn.run("ls", svn.url("demo"), **alice).returncode == 0

    refused = admin(site, "serve", check=False)
    assert refused.returncode != 0 and "already runs" in refused.stderr
    assert apache.poll() is None

    stop_group(apache, wait_seconds=20)
    restarted = RunningApache(site)
    try:
        assert "@site-admins = rw" in project_file.read_text()
        assert svn.run("ls", svn.url("demo"), **alice).returncode == 0
        assert svn.run("ls", svn.url("demo"), **bob).returncode == 0
    finally:
        assert not restarted.stop()
