"""/_health's results are reused for a few seconds per process."""
import pytest

from devjavu.monitor import checks
from devjavu.monitor.checks import RecentChecks


@pytest.fixture
def check_runs(monkeypatch):
    """How many times the whole set of real checks ran."""
    runs = []
    first = checks.CHECKS[0]

    def counted(site):
        runs.append(1)
        return first(site)
    monkeypatch.setattr(checks, "CHECKS", (counted, *checks.CHECKS[1:]))
    return runs


def test_results_are_reused_until_they_are_max_age_old(site, check_runs):
    now = [100.0]
    recent = RecentChecks(max_age=5, clock=lambda: now[0])
    first = recent.results(site)
    now[0] += 4.9
    assert recent.results(site) is first and len(check_runs) == 1
    now[0] += 0.1
    assert recent.results(site) is not first and len(check_runs) == 2


def test_no_max_age_runs_them_every_time(site, check_runs):
    recent = RecentChecks(max_age=0)
    recent.results(site)
    recent.results(site)
    assert len(check_runs) == 2

