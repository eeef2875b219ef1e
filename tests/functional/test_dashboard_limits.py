"""Every dashboard answer carries its strict Content Security Policy, and a request body
larger than any form needs is refused unread (Apache lets up to Trac's attachment
limit through, for Trac)."""
import pytest

from devjavu.accounts import users
from devjavu.dashboard.tweens import CONTENT_SECURITY_POLICY, MAX_REQUEST_BODY


@pytest.mark.parametrize("path, status", [("/", 200), ("/login", 200), ("/dashboard", 303),
                                         ("/admin", 403), ("/no-such-project/", 404),
                                         ("/_health", 200)])
def test_every_dashboard_answer_has_the_strict_csp(webapp, path, status):
    response = webapp.get(path, status="*")
    assert response.status_int in (status, 302, 303)
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert "unsafe-inline" not in CONTENT_SECURITY_POLICY


def test_an_oversized_sign_up_is_refused_unread_and_makes_nothing(webapp, web_site):
    token = webapp.csrf("/signup")
    response = webapp.post("/signup", {"csrf_token": token, "username": "mallory",
                                        "email": "m@example.com", "password": "a-good-password",
                                        "pad": "x" * MAX_REQUEST_BODY}, status="*")
    assert response.status_int == 413
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    with web_site.reading() as db:
        assert users.find_user(db, "mallory") is None
    # Just under the limit, the same form is read as usual.
    accepted = webapp.post("/signup", {"csrf_token": token, "username": "mallory",
                                        "email": "m@example.com", "password": "a-good-password",
                                        "pad": "x" * (MAX_REQUEST_BODY // 2)}, status="*")
    assert accepted.status_int == 303
