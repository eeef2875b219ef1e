"""Apache calls our auth provider once per authenticated request, not once more per
path: `SVNPathAuthz short_circuit` asks mod_authz_svn directly instead of through a
subrequest per path (each of which authenticated again), and bulk updates make a
checkout a handful of requests instead of one per file. The one exception is a commit's
MERGE, authenticated twice (once more for mod_dav's lookup of its source).

The provider script is wrapped, on a site of its own, by one that appends a line to a
file per call and then runs the real provider."""
import time

import pytest

from devjavu.settings import load_settings
from tests.support.apache import RunningApache, admin
from tests.support.sitedir import SiteDir
from tests.support.svnclient import SvnClient

PASSWORD = "owner-secret-1"
FILES = 40
# Apache writes a request's log line after its response: let the last one land.
LOG_SETTLE_SECONDS = 0.5

COUNTING_PROVIDER = '''
import fcntl
{real}
_real = check_password


def check_password(environ, user, password):
    with open({calls!r}, "a") as calls:
        fcntl.flock(calls, fcntl.LOCK_EX)
        calls.write(environ.get("REQUEST_METHOD", "?") + " " + environ.get("REQUEST_URI", "")
                    + "\\n")
    return _real(environ, user, password)
'''


@pytest.fixture(scope="module")
def counted_site(tmp_path_factory):
    sitedir = SiteDir()
    apache = None
    try:
        admin(sitedir, "migrate")
        admin(sitedir, "user", "add", "olga", "--email", "olga@example.com",
              input=PASSWORD + "\n")
        admin(sitedir, "project", "add", "secret", "--owner", "olga", "--private")
        apache = RunningApache(sitedir)
        script = load_settings(sitedir.ini_path).httpd_dir / "svnauth.wsgi"
        calls = sitedir.root / "auth-calls.txt"
        calls.touch()
        calls.chmod(0o666)
        # No svn request has been made yet, so no worker has loaded the real one.
        script.write_text(COUNTING_PROVIDER.format(real=script.read_text(),
                                                   calls=str(calls)))
        yield sitedir, calls, SvnClient(sitedir.http_url, tmp_path_factory.mktemp("svn"))
    finally:
        if apache is not None:
            apache.stop()
        sitedir.remove()


def _authenticated_requests(sitedir, since: int) -> list[str]:
    """Access log lines (from line `since`) of requests that carried a user."""
    lines = (sitedir.log_dir / "access.log").read_text().splitlines()[since:]
    return [line for line in lines if line.split()[1] != "-" and '"' in line]


def _log_length(sitedir) -> int:
    return len((sitedir.log_dir / "access.log").read_text().splitlines())


def test_one_provider_call_per_authenticated_request(counted_site):
    sitedir, calls, svn = counted_site
    auth = {"user": "olga", "password": PASSWORD}
    wc = svn.checkout("secret", **auth)
    for i in range(FILES):
        svn.add_file(wc, f"trunk/file{i:03d}.txt", f"file {i}\n")
    svn.commit(wc, "many files", **auth)
    for operation in ("checkout", "commit"):
        start, calls_before = _log_length(sitedir), len(calls.read_text().splitlines())
        if operation == "checkout":
            svn.checkout("secret", **auth)
        else:
            for i in range(FILES):
                (wc / "trunk" / f"file{i:03d}.txt").write_text(f"changed {i}\n")
            svn.commit(wc, "change every file", **auth)
        time.sleep(LOG_SETTLE_SECONDS)
        requests = _authenticated_requests(sitedir, start)
        made = calls.read_text().splitlines()[calls_before:]
        logged = [line.split('"')[1].rsplit(" ", 1)[0] for line in requests]
        assert requests, operation
        # A MERGE (the end of a commit) is authenticated twice: mod_dav looks up its
        # source, the transaction, with a subrequest that Apache authenticates again.
        expected = logged + [request for request in logged if request.startswith("MERGE ")]
        assert sorted(made) == sorted(expected), operation
        if operation == "checkout":     # bulk updates: a handful of requests in all
            assert len(requests) < FILES / 4, len(requests)
