"""One real Apache for the integration tests, on free loopback ports."""
import pytest

from tests.support.apache import RunningApache, RunningSite, admin
from tests.support.sitedir import SiteDir
from tests.support.svnclient import SvnClient

PASSWORDS = {
    "alice": "alice-secret-1",   # owner of pub and priv
    "bob": "bob-secret-12",      # developer of both
    "vic": "vic-secret-123",     # viewer of both
    "nora": "nora-secret-12",    # member of neither
    "sam": "sam-secret-123",     # site admin
}


@pytest.fixture(scope="session")
def running_site():
    """The site most integration tests share: the users above, projects pub and priv."""
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
            yield RunningSite(sitedir, apache)
        finally:
            leftovers = apache.stop()
            assert not leftovers, f"Apache processes left running: {leftovers}"
    finally:
        sitedir.remove()


@pytest.fixture(scope="session")
def svn(running_site, tmp_path_factory):
    return SvnClient(running_site.http_url, tmp_path_factory.mktemp("svn"))
