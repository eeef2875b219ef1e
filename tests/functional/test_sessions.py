"""Dashboard sign-ins end after the idle timeout as well as the absolute one, and their
last-seen time is not written on every request."""
from datetime import timedelta

from sqlalchemy import select

from devjavu.clock import utcnow
from devjavu.models import LoginSession


def _last_seen(web_site):
    with web_site.reading() as db:
        return db.scalar(select(LoginSession.last_seen_at))


def _idle_for(web_site, minutes):
    """As if the sign-in had not been used for `minutes`."""
    with web_site.unit_of_work() as db:
        for login in db.scalars(select(LoginSession)):
            login.last_seen_at = utcnow() - timedelta(minutes=minutes)


def test_a_sign_in_left_idle_past_the_timeout_ends(webapp, web_site):
    assert web_site.settings.session_idle_minutes == 120
    webapp.sign_up("amy")
    webapp.submit("/dashboard/new", {"name": "demo", "description": "",
                                      "visibility": "private"})
    _idle_for(web_site, 119)
    assert webapp.get("/account").status_int == 200     # used in time: it goes on
    assert utcnow() - _last_seen(web_site) < timedelta(minutes=1)
    _idle_for(web_site, 121)
    response = webapp.get("/account")
    assert response.status_int == 303 and "/login?came_from=" in response.location
    webapp.get("/demo/", status=404)                    # Trac no longer knows amy


def test_last_seen_is_written_at_most_once_a_minute(webapp, web_site):
    webapp.sign_up("amy")
    signed_in = _last_seen(web_site)
    for _ in range(3):
        assert webapp.get("/account").status_int == 200
    assert _last_seen(web_site) == signed_in
    _idle_for(web_site, 2)
    two_minutes_ago = _last_seen(web_site)
    webapp.get("/account")
    assert _last_seen(web_site) > two_minutes_ago
