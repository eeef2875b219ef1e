"""Invite codes on an invite-only site: each admits one account, even two at once."""
import pytest

from devjavu.accounts import signup, users
from devjavu.models import InviteCode
from devjavu.sitesettings import SignupMode, set_signup_mode


@pytest.fixture
def code(site, make_user):
    make_user("ada", admin=True)
    with site.unit_of_work() as db:
        set_signup_mode(db, SignupMode.INVITE_ONLY)
        [code] = signup.create_invite_codes(db, users.get_user(db, "ada"), 1)
    return code


def test_a_code_admits_one_account(site, code):
    with site.unit_of_work() as db:
        signup.sign_up(db, "bob", "bob@example.com", "a-good-password", code)
    with pytest.raises(signup.SignupError, match="valid, unused invite code"):
        with site.unit_of_work() as db:
            signup.sign_up(db, "carl", "carl@example.com", "a-good-password", code)
    with site.reading() as db:
        assert users.find_user(db, "carl") is None


def test_one_code_used_twice_at_once_admits_one(site, code):
    """Both sign-ups found the code unused; the one that commits second is refused."""
    with site.session_factory() as first, site.session_factory() as second:
        seen_by_second = signup._code_for_mode(second, code, None)
        signup.sign_up(first, "bob", "bob@example.com", "a-good-password", code)
        first.commit()
        carl = users.add_user(second, "carl", "carl@example.com", "a-good-password")
        with pytest.raises(signup.SignupError, match="valid, unused invite code"):
            signup._use_up_code(second, seen_by_second, carl)
        second.rollback()
    with site.reading() as db:
        assert users.find_user(db, "carl") is None
        [used] = db.query(InviteCode).all()
        assert used.used_by_id == users.get_user(db, "bob").id
