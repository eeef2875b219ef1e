"""The probe and the health token: sent to /_health only, never on to where a redirect
points, never over plain http to another machine, and never from the command line."""
import json
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from devjavu.cli.main import main
from devjavu.monitor import HEALTH_TOKEN_HEADER
from devjavu.monitor.probe import ProbeConfig, site_failures
from tests.support.sitedir import SiteDir

TOKEN = "probe-token-for-tests-0123456789abcdef"
DETAILS = {"status": "failing", "checks": {"database": {"ok": True, "detail": "reachable"},
                                           "backup": {"ok": False, "detail": "/srv/x"}}}


@contextmanager
def _serving(answers: dict):
    """A loopback HTTP server: `answers[path](headers) -> (status, headers, body)`; it
    keeps every request it gets as (path, token header or None)."""
    seen = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            seen.append((self.path, self.headers.get(HEALTH_TOKEN_HEADER)))
            status, headers, body = answers.get(self.path, lambda h: (404, {}, b""))(
                self.headers)
            self.send_response(status)
            for name, value in {**headers, "Content-Length": str(len(body))}.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", seen
    finally:
        server.shutdown()
        thread.join()


def _health(headers):
    shown = DETAILS if headers.get(HEALTH_TOKEN_HEADER) == TOKEN else {"status": "failing"}
    return 503, {"Content-Type": "application/json"}, json.dumps(shown).encode()


SITE = {"/_health": _health, "/": lambda h: (200, {}, b"landing page")}


def test_the_token_goes_to_health_only_and_the_failure_names_the_checks():
    with _serving(SITE) as (url, seen):
        assert site_failures(ProbeConfig(url=url, health_token=TOKEN)) == [
            "/_health answered 503 (failing: backup)"]
        assert site_failures(ProbeConfig(url=url)) == ["/_health answered 503"]
    assert seen == [("/_health", TOKEN), ("/", None), ("/_health", None), ("/", None)]


def test_the_token_never_follows_a_redirect():
    with _serving({}) as (elsewhere, seen_elsewhere):
        moved = {"/_health": lambda h: (302, {"Location": f"{elsewhere}/_health"}, b""),
                 "/": SITE["/"]}
        with _serving(moved) as (url, _):
            assert site_failures(ProbeConfig(url=url, health_token=TOKEN)) == [
                "/_health answered 302"]
            assert seen_elsewhere == []
            site_failures(ProbeConfig(url=url))          # no token: redirects followed
            assert seen_elsewhere == [("/_health", None)]


@pytest.fixture
def ini_with_token():
    sitedir = SiteDir(**{"devjavu.health_token": TOKEN})
    yield sitedir.ini_path
    sitedir.remove()


def _probe(capsys, tmp_path, *args):
    code = main([*args[:2], "probe", *args[2:], "--state", str(tmp_path / "state")])
    out, err = capsys.readouterr()
    return code, out, err


def test_probe_reads_the_token_from_a_file_or_the_ini(capsys, tmp_path, ini_with_token):
    token_file = tmp_path / "token"
    token_file.write_text(TOKEN + "\n")
    with _serving(SITE) as (url, seen):
        code, out, _ = _probe(capsys, tmp_path, "-c", str(ini_with_token), url,
                              "--health-token-from-config")
        assert code == 1 and "failing: backup" in out and TOKEN not in out
        code, out, _ = _probe(capsys, tmp_path, "-c", str(ini_with_token), url,
                              "--health-token-file", str(token_file))
        assert code == 1 and "failing: backup" in out
    assert [token for path, token in seen if path == "/_health"] == [TOKEN, TOKEN]


@pytest.mark.parametrize("url,content,message", [
    ("http://devjavu.example.org", TOKEN, "https only"),
    ("http://192.0.2.10:8080", TOKEN, "https only"),
    ("https://127.0.0.1:1", "", "malformed"),
    ("https://127.0.0.1:1", "too short", "malformed"),
    ("https://127.0.0.1:1", TOKEN + " and more", "malformed"),
    ("https://127.0.0.1:1", TOKEN + "\x00", "malformed"),
])
def test_a_token_that_would_leak_or_is_malformed_stops_the_probe(capsys, tmp_path, url,
                                                                  content, message):
    token_file = tmp_path / "token"
    token_file.write_text(content)
    code, out, err = _probe(capsys, tmp_path, "-c", "/nonexistent.ini", url,
                            "--health-token-file", str(token_file))
    assert code == 1 and message in err and out == ""
    assert TOKEN not in err and (not content or content not in err)


def test_an_ini_without_a_token_stops_the_probe(capsys, tmp_path):
    sitedir = SiteDir()
    try:
        code, _, err = _probe(capsys, tmp_path, "-c", str(sitedir.ini_path),
                              "https://127.0.0.1:1", "--health-token-from-config")
    finally:
        sitedir.remove()
    assert code == 1 and "sets no devjavu.health_token" in err
