"""Access tokens: only the exact text of a live token names it; creating one takes the
account's password; an expired token names nothing."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from devjavu import audit
from devjavu.accounts import tokens, users
from devjavu.clock import utcnow
from devjavu.models import AccessToken


@pytest.fixture
def token_text(site, make_user):
    make_user("amy")
    with site.unit_of_work() as db:
        _, text = tokens.create_token(db, users.get_user(db, "amy"), "laptop",
                                      "a-good-password")
    return text


def test_the_exact_text_finds_the_token(site, token_text):
    with site.reading() as db:
        token = tokens.token_for(db, "amy", token_text)
        assert token is not None and tokens.verify_token(token, token_text)


@pytest.mark.parametrize("change", [
    lambda text: text + "\n", lambda text: text + "\r\n", lambda text: text + "\n\n",
    lambda text: "\n" + text, lambda text: text + " ", lambda text: text[:-1] + "\n",
])
def test_a_token_with_a_line_break_or_space_is_not_a_token(site, token_text, change):
    """"$" matched before a final newline: such a text reached the row by its lookup id."""
    altered = change(token_text)
    assert tokens.TOKEN_RE.match(altered) is None
    with site.reading() as db:
        assert tokens.token_for(db, "amy", altered) is None


def test_a_wrong_password_creates_nothing_and_counts_as_a_failed_sign_in(site, make_user):
    make_user("amy")
    with site.unit_of_work() as db:
        with pytest.raises(tokens.WrongPassword, match="password is not right"):
            tokens.create_token(db, users.get_user(db, "amy"), "laptop", "not-her-password",
                                ip="192.0.2.7")
    with site.reading() as db:
        assert db.scalars(select(AccessToken)).all() == []
        assert audit.count_since(db, audit.SIGNIN_FAILED, utcnow() - timedelta(minutes=1),
                                 subject="amy", ip="192.0.2.7") == 1


@pytest.mark.parametrize("days", [0, 7, -30, 10**6])
def test_only_the_offered_lifetimes_are_accepted(site, make_user, days):
    make_user("amy")
    with site.unit_of_work() as db:
        with pytest.raises(tokens.TokenError, match="Choose when the token expires"):
            tokens.create_token(db, users.get_user(db, "amy"), "x", "a-good-password", days)
    with site.reading() as db:
        assert db.scalars(select(AccessToken)).all() == []


def test_an_expired_token_names_nothing_and_frees_its_name(site, make_user):
    make_user("amy")
    with site.unit_of_work() as db:
        token, text = tokens.create_token(db, users.get_user(db, "amy"), "ci",
                                          "a-good-password", 30)
        assert timedelta(days=29) < token.expires_at - utcnow() <= timedelta(days=30)
    with site.reading() as db:
        assert tokens.token_for(db, "amy", text) is not None
    with site.unit_of_work() as db:                      # 30 days pass
        db.scalar(select(AccessToken)).expires_at = utcnow() - timedelta(seconds=1)
    with site.unit_of_work() as db:
        assert tokens.token_for(db, "amy", text) is None
        amy = users.get_user(db, "amy")
        assert [t.name for t in tokens.active_tokens(db, amy)] == ["ci"]   # still listed
        assert tokens.live_tokens(db, amy) == []
        tokens.create_token(db, amy, "ci", "a-good-password")              # name is free


def test_revoke_all_tokens_revokes_each_and_audits_each(site, make_user):
    make_user("amy")
    with site.unit_of_work() as db:
        amy = users.get_user(db, "amy")
        texts = [tokens.create_token(db, amy, name, "a-good-password")[1]
                 for name in ("one", "two")]
    with site.unit_of_work() as db:
        tokens.revoke_all_tokens(db, users.get_user(db, "amy"), "192.0.2.7", why="test")
    with site.reading() as db:
        assert [tokens.token_for(db, "amy", text) for text in texts] == [None, None]
        events = audit.recent(db, event_prefix=audit.TOKEN_REVOKED, subject="amy")
        assert sorted(e.detail for e in events) == ["one (test)", "two (test)"]


@pytest.mark.parametrize("name", ["lap\rtop", "lap\x7ftop", "lap\x85top", "lap\u2028top",
                                  "lap\u2029top"])
def test_a_token_name_with_a_line_break_of_any_kind_is_refused(site, make_user, name):
    """The service refuses what the form does (devjavu/freetext.py), whatever calls it."""
    make_user("amy")
    with site.unit_of_work() as db:
        with pytest.raises(tokens.TokenError, match="control characters"):
            tokens.create_token(db, users.get_user(db, "amy"), name, "a-good-password")
    with site.reading() as db:
        assert db.scalars(select(AccessToken)).all() == []
