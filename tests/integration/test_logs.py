"""Apache's logs: kept across graceful and full restarts, bounded in number and size,
free of lines for projects that do not exist, and of certificate warnings at start."""
import os
import signal
import subprocess
import time
import uuid

import pytest
import requests

from devjavu.settings import load_settings
from tests.support.apache import RunningApache, admin
from tests.support.sitedir import SiteDir

MAX_MB = "0.02"               # about 20 KB a file: a few hundred requests rotate a log
KEEP = 3


class LoggedSite:
    def __init__(self, sitedir: SiteDir):
        self.dir = sitedir
        self.apache = RunningApache(sitedir)
        self.session = requests.Session()
        settings = load_settings(sitedir.ini_path)
        self.log_dir, self.max_bytes = settings.log_dir, settings.log_max_bytes

    def files(self, log: str) -> list:
        """The log's files, oldest first: PATH.(KEEP-1) ... PATH.1, PATH."""
        found = [p for p in self.log_dir.iterdir()
                 if p.name == log or p.name.startswith(log + ".")]
        return sorted(found, key=lambda p: -int(p.suffix[1:]) if p.name != log else 0)

    def text(self, log: str) -> str:
        while True:
            try:
                return "".join(p.read_text(errors="replace") for p in self.files(log))
            except FileNotFoundError:
                continue            # read in the middle of a rotation: read again

    def current(self, log: str) -> str:
        """The file being written; once it is found (it is briefly away as it rotates)."""
        while True:
            try:
                return (self.log_dir / log).read_text(errors="replace")
            except FileNotFoundError:
                continue

    def wait_for(self, log: str, marker: str) -> None:
        """Until `marker` is in the log: lines reach the file through a pipe, after the
        answer (the access log) or while it is sent, so a test waits for them. Lines
        logged before the marker's are in the log too, as the pipe keeps their order."""
        deadline = time.monotonic() + 30
        while marker not in self.text(log):
            assert time.monotonic() < deadline, f"{marker} never reached {log}"
            time.sleep(0.05)

    def access_line(self, marker: str, padding: int = 0) -> None:
        # Apache answers a missing static file itself: one access-log line, fast.
        self.session.get(f"{self.dir.http_url}/static/{marker}?{'x' * padding}")

    def error_line(self, marker: str, padding: int = 0) -> None:
        # An anonymous read of a private project: refused, and one authz_svn error line.
        path = "/".join([marker, *["x" * 100] * (padding // 100)])
        assert self.session.get(f"{self.dir.http_url}/svn/priv/{path}").status_code == 401

    def write(self, log: str, marker: str, padding: int = 0) -> None:
        (self.access_line if log == "access.log" else self.error_line)(marker, padding)

    def fill_until(self, log: str, done) -> None:
        """Log lines of 1 KB until `done()`, looking after every fifth."""
        for n in range(1000):
            marker = f"filler-{uuid.uuid4().hex}"
            self.write(log, marker, padding=1000)
            if n % 5 == 4:
                self.wait_for(log, marker)
                if done():
                    return
        raise AssertionError(f"{log} never got there")

    def graceful_restart(self) -> None:
        starts = self.text("error.log").count("resuming normal operations")
        os.kill(self.apache.process.pid, signal.SIGUSR1)
        deadline = time.monotonic() + 60
        while self.text("error.log").count("resuming normal operations") == starts:
            assert time.monotonic() < deadline, "no graceful restart"
            time.sleep(0.1)

    def full_restart(self) -> None:
        assert not self.apache.stop()
        self.apache = RunningApache(self.dir)


@pytest.fixture(scope="module")
def logged():
    sitedir = SiteDir(**{"devjavu.log_max_mb": MAX_MB, "devjavu.log_keep": str(KEEP)})
    try:
        admin(sitedir, "migrate")
        admin(sitedir, "user", "add", "alice", "--email", "alice@example.com",
              input="alice-secret-1\n")
        admin(sitedir, "project", "add", "priv", "--owner", "alice", "--private")
        admin(sitedir, "project", "add", "pub", "--owner", "alice")
        site = LoggedSite(sitedir)
        try:
            yield site
        finally:
            assert not site.apache.stop()
    finally:
        sitedir.remove()


def _extensions(certificate) -> str:
    return subprocess.run(["openssl", "x509", "-in", str(certificate), "-noout", "-ext",
                           "basicConstraints,subjectAltName,extendedKeyUsage"],
                          capture_output=True, text=True, check=True).stdout


def _old_release_certificate(certificate, key) -> None:
    """What releases before the leaf certificate made: `openssl req -x509`'s default, a
    CA certificate."""
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=127.0.0.1", "-addext",
                    "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", str(key),
                    "-out", str(certificate)], check=True, capture_output=True)


def test_the_certificate_is_a_servers_own_and_start_warns_of_none(logged):
    """First in this module: the start's lines are not yet rotated away."""
    leaf = _extensions(logged.dir.ssl_dir / "server.crt")
    assert "CA:FALSE" in leaf and "TLS Web Server Authentication" in leaf
    assert "DNS:localhost" in leaf and "IP Address:127.0.0.1" in leaf
    logged.wait_for("error.log", "resuming normal operations")
    assert _certificate_warnings(logged) == []


def _kept_across(logged, restart) -> None:
    logs = ("access.log", "error.log")
    # The files have rotated at least once (rotatelogs -n lost lines only then).
    for log in logs:
        logged.fill_until(log, lambda: (logged.log_dir / f"{log}.1").exists())
    before = f"before-{uuid.uuid4().hex}"
    for log in logs:
        logged.write(log, before)
        logged.wait_for(log, before)
    restart()
    for log in logs:
        assert before in logged.current(log)
        # The next rotation moves it on with the rest of the file: nothing is truncated.
        logged.fill_until(log, lambda: before not in logged.current(log))
        assert before in (logged.log_dir / f"{log}.1").read_text(errors="replace")
        after = f"after-{uuid.uuid4().hex}"
        logged.write(log, after)
        logged.wait_for(log, after)


def test_lines_written_before_a_graceful_restart_are_kept(logged):
    _kept_across(logged, logged.graceful_restart)


def _certificate_warnings(logged) -> list[str]:
    return [line for line in logged.text("error.log").splitlines()
            if "[ssl:" in line and "certificate" in line.lower()]


def test_lines_written_before_a_full_restart_are_kept(logged):
    """Stop and start, as an upgrade does: this install's certificate is also the CA
    certificate that releases before the leaf certificate made, replaced at the start."""
    certificate = logged.dir.ssl_dir / "server.crt"
    _old_release_certificate(certificate, logged.dir.ssl_dir / "server.key")
    assert "CA:TRUE" in _extensions(certificate)
    _kept_across(logged, logged.full_restart)
    assert "CA:FALSE" in _extensions(certificate)
    answer = requests.get(logged.dir.https_url + "/svn/pub/", verify=str(certificate))
    assert answer.status_code == 200
    assert _certificate_warnings(logged) == []


@pytest.mark.parametrize("log", ["access.log", "error.log"])
def test_logs_stay_within_keep_files_of_the_size_limit(logged, log):
    first = f"bound-first-{uuid.uuid4().hex}"
    logged.write(log, first)
    for n in range(4 * KEEP * logged.max_bytes // 1000):    # lines of more than 1 KB
        logged.write(log, f"bound-{n}", padding=1000)
    last = f"bound-last-{uuid.uuid4().hex}"
    logged.write(log, last)
    logged.wait_for(log, last)
    files = logged.files(log)
    sizes = [p.stat().st_size for p in files]
    assert [p.name for p in files] == [f"{log}.{n}" for n in range(KEEP - 1, 0, -1)] + [log]
    assert max(sizes) <= logged.max_bytes
    assert sum(sizes) <= KEEP * logged.max_bytes
    assert first not in logged.text(log)         # the oldest lines have gone


def _svn_ls(url: str) -> subprocess.CompletedProcess:
    return subprocess.run(["svn", "ls", "--non-interactive", "--no-auth-cache", url],
                          capture_output=True, text=True, timeout=60)


def test_a_missing_project_adds_no_error_line_and_answers_as_a_private_one(logged):
    name = f"nosuch{uuid.uuid4().hex[:8]}"
    url = f"{logged.dir.http_url}/svn/{name}"
    assert _svn_ls(url).returncode != 0
    missing = requests.get(url + "/")
    private = requests.get(f"{logged.dir.http_url}/svn/priv/")
    assert (missing.status_code, missing.text) == (private.status_code, private.text)
    assert requests.get(url + "/", auth=("alice", "alice-secret-1")).status_code == 403
    after = f"after-missing-{uuid.uuid4().hex}"
    logged.error_line(after)
    logged.wait_for("error.log", after)
    assert name not in logged.text("error.log")


def test_a_project_that_lost_its_authz_file_is_still_logged(logged):
    authz = logged.dir.data_dir / "repos" / "pub" / "conf" / "authz"
    authz.rename(authz.with_name("authz.away"))
    try:
        assert _svn_ls(f"{logged.dir.http_url}/svn/pub").returncode != 0
        logged.wait_for("error.log", f"'{authz}' is not a file")
    finally:
        authz.with_name("authz.away").rename(authz)
    assert _svn_ls(f"{logged.dir.http_url}/svn/pub").returncode == 0
