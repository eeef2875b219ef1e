"""Imports from URLs the server must not read from: refused with a message by the real
devjavu-admin, and nothing created (no project row, no repository, no Trac)."""
import http.server
import os
import threading

import pytest

from tests.support.apache import admin
from tests.support.sitedir import SiteDir
from tests.support.sourcerepo import make_history, svnserve


@pytest.fixture(scope="module")
def public_only():
    """A site whose imports may reach public addresses only (production's setting)."""
    sitedir = SiteDir(**{"devjavu.import_allowed_networks": ""})
    admin(sitedir, "migrate")
    admin(sitedir, "user", "add", "alice", "--email", "alice@example.com",
          input="alice-secret-1\n")
    yield sitedir
    sitedir.remove()


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    root = tmp_path_factory.mktemp("refusal-sources")
    os.chmod(root, 0o755)
    make_history(root / "real", 20)
    with svnserve(root) as (port, _):
        yield port


def _refused(sitedir, url, *extra, input=None):
    result = admin(sitedir, "project", "import", "victim", "--owner", "alice", "--url", url,
                   *extra, input=input, check=False)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "victim" not in admin(sitedir, "project", "list").stdout
    assert not (sitedir.data_dir / "repos" / "victim").exists()
    assert not (sitedir.data_dir / "trac" / "victim").exists()
    return result.stderr


@pytest.mark.parametrize("url,message", [
    ("file:///etc", "Only http://, https:// and svn://"),
    ("svn+ssh://127.0.0.1/repo", "Only http://, https:// and svn://"),
    ("SVN+SSH://example.org/repo", "Only http://, https:// and svn://"),
    ("http://someone:secret@example.org/svn", "no user name or password in the URL"),
    ("http://example.org/svn\x01x", "characters a URL cannot hold"),
    ("http://example.org/svn/" + "a" * 600, "at most 500 characters"),
    ("svn://10.1.2.3/repo", "a private address"),
    ("http://169.254.169.254/latest", "a link-local address"),
    ("http://[::1]/svn", "a loopback address"),
    ("http://[::ffff:127.0.0.9]/svn", "a loopback address"),
    ("http://[::ffff:127.0.0.1]/svn", "this server"),
    ("http://0.0.0.0/svn", "0.0.0.0 is this server"),
    ("http://224.0.0.1/svn", "not a public address"),
    ("http://100.64.0.1/svn", "not a public address"),
])
def test_urls_refused_as_written_or_resolved(public_only, url, message):
    assert message in _refused(public_only, url)


def test_loopback_and_names_resolving_to_it_are_refused_unless_allowed(public_only, source):
    # 127.0.0.1 is where this site listens, as the server's own address.
    assert "127.0.0.1 is this server" in _refused(public_only,
                                                  f"svn://127.0.0.1:{source}/real")
    assert "127.0.0.7 is a loopback address" in _refused(public_only,
                                                         f"svn://127.0.0.7:{source}/real")
    assert "localhost is this server (127.0.0.1)" in _refused(
        public_only, f"svn://localhost:{source}/real")


def test_a_source_that_is_not_a_repository_is_refused(tmp_path, source):
    sitedir = SiteDir()                  # loopback allowed, as in development.ini
    try:
        admin(sitedir, "migrate")
        admin(sitedir, "user", "add", "alice", "--email", "alice@example.com",
              input="alice-secret-1\n")
        assert "cannot be read as a Subversion repository" in _refused(
            sitedir, f"svn://127.0.0.1:{source}/no-such-repository")
        # Credentials for it change nothing, and the password is in no message.
        message = _refused(sitedir, f"svn://127.0.0.1:{source}/no-such-repository",
                           "--username", "x", input="Pass-word-9z\n")
        assert "Pass-word-9z" not in message
    finally:
        sitedir.remove()


class _Redirect(http.server.BaseHTTPRequestHandler):
    target = ""

    def _redirect(self):
        self.send_response(301)
        self.send_header("Location", self.target + self.path)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_OPTIONS = do_PROPFIND = do_POST = do_REPORT = _redirect

    def log_message(self, *args):
        pass


def test_a_redirect_into_a_refused_network_is_not_followed(running_site, svn):
    """The source's address (127.0.0.2) is allowed; it redirects to the running site's
    public repository on 127.0.0.1, which this site may not reach."""
    sitedir = SiteDir(**{"devjavu.import_allowed_networks": "127.0.0.2/32"})
    handler = type("Redirect", (_Redirect,), {"target": running_site.http_url})
    server = http.server.ThreadingHTTPServer(("127.0.0.2", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        admin(sitedir, "migrate")
        admin(sitedir, "user", "add", "alice", "--email", "alice@example.com",
              input="alice-secret-1\n")
        message = _refused(sitedir, f"http://127.0.0.2:{server.server_port}/svn/pub")
        assert "cannot be read as a Subversion repository" in message
        assert "moved" in message.lower() or "relocate" in message.lower(), message
    finally:
        server.shutdown()
        server.server_close()
        sitedir.remove()
