"""One real Apache for the integration tests, on free loopback ports."""
import pytest

from tests.support.apache import RunningApache, admin
from tests.support.sitedir import SiteDir
from tests.support.svnclient import SvnClient

PASSWORDS = {
    "alice": "alice-secret-1",   # owner of pub and priv
    "bob": "bob-secret-12",      # developer of both
    "vic": "vic-secret-123",     # viewer of both
    "nora": "nora-secret-12",    # member of neither
    "sam": "sam-secret-123",     # site admin
}


class Site:
    """The running site under test, with its CLI."""

    def __init__(self, sitedir: SiteDir, apache: RunningApache):
        self.dir = sitedir
        self.apache = apache
        self.http_url = sitedir.http_url
        self.https_url = sitedir.https_url

    def admin(self, *args, input=None, check=True):
        return admin(self.dir, *args, input=input, check=check)


@pytest.fixture(scope="session")
def site():
    sitedir = SiteDir()
    try:
        admin(sitedir, "migrate")
        for name, password in PASSWORDS.items():
            extra = ["--admin"] if name == "sam" else []
            admin(sitedir, "user", "add", name, "--email", f"{name}@example.com", *extra,
                  input=password + "\n")
        admin(sitedir, "project", "add", "pub", "--owner", "alice",
              "--description", "A public project")
        admin(sitedir, "project", "add", "priv", "--owner", "alice", "--private")
        for project in ("pub", "priv"):
            admin(sitedir, "member", "add", project, "bob", "--role", "developer")
            admin(sitedir, "member", "add", project, "vic", "--role", "viewer")
        apache = RunningApache(sitedir)
        try:
            yield Site(sitedir, apache)
        finally:
            leftovers = apache.stop()
            assert not leftovers, f"Apache processes left running: {leftovers}"
    finally:
        sitedir.remove()


@pytest.fixture(scope="session")
def svn(site, tmp_path_factory):
    return SvnClient(site.http_url, tmp_path_factory.mktemp("svn"))
