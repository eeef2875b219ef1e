"""`devjavu-admin probe` against a real site that is up, then down, then up again, and
from a network namespace with no route at all: only a real outage alerts."""
import subprocess
import uuid

import pytest

from tests.support.apache import ADMIN, RunningApache, admin
from tests.support.sitedir import SiteDir


def _probe(url, state, alerts, *extra, netns=None):
    command = [ADMIN, "probe", url, "--project", "watched", "--state", str(state),
               "--alert-command", f'echo "$DEVJAVU_PROBE_STATE" >> {alerts}', *extra]
    if netns:
        command = ["ip", "netns", "exec", netns, *command]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


def _alerts(path):
    return path.read_text().split() if path.exists() else []


class WatchedSite:
    """A site that a test may take down and bring back."""

    def __init__(self, sitedir):
        self.dir = sitedir
        self.apache = RunningApache(sitedir)

    def stop(self):
        assert not self.apache.stop()

    def start(self):
        self.apache = RunningApache(self.dir)


@pytest.fixture(scope="module")
def watched_site():
    sitedir = SiteDir()
    admin(sitedir, "migrate")
    admin(sitedir, "user", "add", "olga", "--email", "o@example.com", input="olga-password\n")
    admin(sitedir, "project", "add", "watched", "--owner", "olga")
    site = WatchedSite(sitedir)
    yield site
    site.stop()
    sitedir.remove()


def test_up_down_and_recovered_alert_once_each(watched_site, tmp_path):
    sitedir = watched_site.dir
    state, alerts = tmp_path / "state", tmp_path / "alerts"
    assert _probe(sitedir.http_url, state, alerts).returncode == 0
    watched_site.stop()
    try:
        first = _probe(sitedir.http_url, state, alerts)
        assert first.returncode == 1 and _alerts(alerts) == []        # one failure: wait
        second = _probe(sitedir.http_url, state, alerts)
        assert second.returncode == 1 and _alerts(alerts) == ["down"]
        _probe(sitedir.http_url, state, alerts)
        assert _alerts(alerts) == ["down"]                            # no repeat
    finally:
        watched_site.start()
    assert _probe(sitedir.http_url, state, alerts).returncode == 0
    assert _alerts(alerts) == ["down", "recovered"]
    assert _probe(sitedir.https_url, tmp_path / "tls-state", alerts, "--insecure"
                  ).returncode == 0


def test_probe_with_its_own_network_cut_does_not_alert(watched_site, tmp_path):
    sitedir = watched_site.dir
    namespace = f"devjavu-probe-{uuid.uuid4().hex[:8]}"
    created = subprocess.run(["ip", "netns", "add", namespace], capture_output=True,
                             text=True)
    if created.returncode != 0:
        pytest.skip(f"cannot make a network namespace here: {created.stderr.strip()}")
    try:
        state, alerts = tmp_path / "state", tmp_path / "alerts"
        for _ in range(3):
            result = _probe(sitedir.http_url, state, alerts, netns=namespace)
            assert result.returncode == 3, result.stdout + result.stderr
            assert "not counted" in result.stdout
        assert _alerts(alerts) == []
        assert _probe(sitedir.http_url, state, alerts).returncode == 0   # site was up
        assert _alerts(alerts) == []
    finally:
        subprocess.run(["ip", "netns", "delete", namespace], check=True)
