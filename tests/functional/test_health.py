"""/_health: the overall status for anyone; each check's details (paths, project names,
error texts) only for site admins, the loopback address and the ini's health token."""
import dataclasses
from concurrent.futures import ThreadPoolExecutor

import pytest

from devjavu.backup.status import record_failure
from devjavu.monitor import HEALTH_TOKEN_HEADER, checks

TOKEN = "health-token-for-tests-0123456789abcdef"
ORIGINAL_CHECKS = checks.CHECKS


@pytest.fixture
def with_token(web_site, monkeypatch):
    monkeypatch.setattr(web_site, "settings",
                        dataclasses.replace(web_site.settings, health_token=TOKEN))
    return web_site


@pytest.fixture
def failing(web_site):
    """A site whose backup failed, with an error text that names a path and a project."""
    error = f"cannot write {web_site.settings.data_dir}/trac/secretproject/db/trac.db"
    record_failure(web_site.settings.backup_dir, error)
    return error


def _hides_everything(response, web_site, status):
    assert response.status_int == status
    assert response.json == {"status": "ok" if status == 200 else "failing"}
    assert str(web_site.settings.data_dir) not in response.text
    assert "secretproject" not in response.text and "cannot write" not in response.text


def _shows_details(response, status):
    assert response.status_int == status
    assert set(response.json["checks"]) == {"database", "data_dir", "free_disk", "authz",
                                            "leftovers", "repositories", "backup",
                                            "jobs"}


@pytest.mark.parametrize("headers", [
    {}, {"X-Forwarded-For": "127.0.0.1"}, {"X-Real-IP": "127.0.0.1"},
    {"Forwarded": "for=127.0.0.1"}, {HEALTH_TOKEN_HEADER: ""},
    {HEALTH_TOKEN_HEADER: "wrong"}, {HEALTH_TOKEN_HEADER: TOKEN[:-1]},
    {HEALTH_TOKEN_HEADER: TOKEN + "x"}, {HEALTH_TOKEN_HEADER: TOKEN.upper()},
    {HEALTH_TOKEN_HEADER: "\u00e9" * 40},
])
def test_outsiders_get_the_status_only(app_factory, with_token, failing, headers):
    response = app_factory().get("/_health", headers=headers, status="*")
    _hides_everything(response, with_token, 503)
    assert "no-store" in response.headers["Cache-Control"]


def test_a_healthy_site_tells_outsiders_only_ok(admin_webapp, webapp, web_site):
    # The operator's admin account wrote the site admins' authz file: all checks pass.
    _shows_details(admin_webapp.get("/_health"), 200)
    _hides_everything(webapp.get("/_health"), web_site, 200)


def test_no_token_in_the_ini_opens_nothing(webapp, web_site, failing):
    assert web_site.settings.health_token == ""
    response = webapp.get("/_health", headers={HEALTH_TOKEN_HEADER: ""}, status=503)
    _hides_everything(response, web_site, 503)


def test_a_signed_in_user_who_is_no_admin_gets_the_status_only(admin_webapp, app_factory,
                                                              web_site, failing):
    amy = app_factory()
    amy.sign_up("amy")
    _hides_everything(amy.get("/_health", status=503), web_site, 503)


@pytest.mark.parametrize("address", ["127.0.0.1", "127.0.0.2", "::1", "::ffff:127.0.0.1"])
def test_the_loopback_address_gets_the_details(app_factory, web_site, failing, address):
    response = app_factory(REMOTE_ADDR=address).get("/_health", status=503)
    _shows_details(response, 503)
    assert response.json["checks"]["backup"]["detail"].endswith(failing)


def test_a_site_admin_gets_the_details(admin_webapp, failing):
    response = admin_webapp.get("/_health", status=503)
    _shows_details(response, 503)
    assert failing in response.json["checks"]["backup"]["detail"]


def test_the_token_gets_the_details(webapp, with_token, failing):
    response = webapp.get("/_health", headers={HEALTH_TOKEN_HEADER: TOKEN}, status=503)
    _shows_details(response, 503)
    assert failing in response.text


@pytest.fixture
def check_runs(monkeypatch):
    """The names of the checks run, in order: each real check, counted as it runs."""
    runs = []

    def counted(check):
        def run(site):
            runs.append(check.__name__)
            return check(site)
        return run
    monkeypatch.setattr(checks, "CHECKS", tuple(counted(c) for c in checks.CHECKS))
    return runs


def test_a_burst_of_anonymous_hits_runs_the_checks_once(app_factory, check_runs):
    browsers = [app_factory() for _ in range(4)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        answers = list(pool.map(lambda i: browsers[i % 4].get("/_health", status="*"),
                                range(40)))
    assert {answer.status_int for answer in answers} == {answers[0].status_int}
    assert sorted(check_runs) == sorted(check.__name__ for check in ORIGINAL_CHECKS)
