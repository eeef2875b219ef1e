"""Access tokens: only the exact text of a live token names it."""
import pytest

from devjavu.accounts import tokens, users


@pytest.fixture
def token_text(site, make_user):
    make_user("amy")
    with site.unit_of_work() as db:
        _, text = tokens.create_token(db, users.get_user(db, "amy"), "laptop")
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
