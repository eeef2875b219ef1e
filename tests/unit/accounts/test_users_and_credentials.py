import email.utils
import itertools
import os
import string
import types

import pytest

from devjavu import mail
from devjavu.accounts import profile, signup, users
from devjavu.accounts.credentials import CredentialChecker
from devjavu.accounts.passwords import verify_password


def test_passwords_are_stored_as_argon2_hashes(site, make_user):
    make_user("amy", password="correct horse")
    with site.reading() as db:
        stored = users.get_user(db, "amy").password_hash
    assert stored.startswith("$argon2id$") and "correct horse" not in stored
    assert verify_password(stored, "correct horse")
    assert not verify_password(stored, "wrong horse")


@pytest.mark.parametrize("name,email,password,message", [
    ("A", "a@example.com", "long-enough", "Invalid username"),
    ("amy smith", "a@example.com", "long-enough", "Invalid username"),
    ("anonymous", "a@example.com", "long-enough", "reserved"),
    ("amy", "not-an-email", "long-enough", "Invalid email"),
    ("amy", "a@example.com", "short", "at least 8"),
])
def test_bad_input_is_refused(site, name, email, password, message):
    with pytest.raises(users.UserError, match=message):
        with site.unit_of_work() as db:
            users.add_user(db, name, email, password)
    with site.reading() as db:
        assert users.list_users(db) == []


# "$" matches before a final newline: each of these passed the `^...$` patterns. A name
# ending in one broke the authz file of every project it joined; "admin\n" showed as
# "admin" in Trac.
NAMES_WITH_A_LINE_BREAK = ["eve\n", "admin\n", "anonymous\n", "eve\r\n", "eve\r",
                           "\neve", "ev\ne"]
# Each would reach more than one mailbox, or carry more than an address into a header.
NOT_ONE_ADDRESS = [
    "root,x@evil.example", "root;x@evil.example", "a@b.example\n", "a@b.example\r\n",
    "a@b.example\r\nBcc: c@evil.example", "a@b.example\nBcc: c@evil.example",
    "a@b.example, c@evil.example", '"root,x"@evil.example', "<a@b.example>",
    "Eve <a@b.example>", "a b@x.example", "a\\b@x.example", "a(b)@x.example",
    "a:b@x.example", "a@b.example\t", "\na@b.example", "root@localhost,x@evil.example",
    ".a@x.example", "a.@x.example", "a..b@x.example", "a@-x.example", "a@x..example",
    "a@x.example.", "a@x", "@x.example", "a@", "a" * 65 + "@x.example", "é@x.example",
]


# Both ways an account is made: the dashboard's sign-up and the CLI's `user add`.
ADDING = {
    "sign_up": (signup.SignupError, lambda db, name: signup.sign_up(
        db, name, "eve@example.com", "a-good-password")),
    "add_user": (users.UserError, lambda db, name: users.add_user(
        db, name, "eve@example.com", "a-good-password")),
}


@pytest.mark.parametrize("entry", sorted(ADDING))
@pytest.mark.parametrize("name", NAMES_WITH_A_LINE_BREAK)
def test_a_username_with_a_line_break_cannot_become_an_account(site, make_user, name, entry):
    make_user("ada", admin=True)        # a site takes sign-ups once it has an admin
    error, add = ADDING[entry]
    with pytest.raises(error, match="Invalid username"):
        with site.unit_of_work() as db:
            add(db, name)
    with site.reading() as db:
        assert [user.username for user in users.list_users(db)] == ["ada"]


@pytest.mark.parametrize("address", NOT_ONE_ADDRESS)
def test_an_email_field_takes_exactly_one_address(site, make_user, address):
    make_user("ada", admin=True)        # a site takes sign-ups once it has an admin
    with pytest.raises(signup.SignupError, match="Invalid email address"):
        with site.unit_of_work() as db:
            signup.sign_up(db, "eve", address, "a-good-password")
    with site.reading() as db:
        assert [user.username for user in users.list_users(db)] == ["ada"]
    make_user("amy", password="amy-password")
    with pytest.raises(users.UserError, match="Invalid email address"):
        with site.unit_of_work() as db:
            profile.change_email(db, users.get_user(db, "amy"), "amy-password", address)
    with site.reading() as db:
        assert users.get_user(db, "amy").email == "amy@example.com"


def _recipients(address):
    """Whom smtplib's send_message would mail for a message to `address`."""
    message = mail.make_message(types.SimpleNamespace(mail_from="site@example.com"),
                                address, "subject", "body")
    return [mailbox for _, mailbox in email.utils.getaddresses(message.get_all("To"))]


def test_a_comma_in_the_local_part_reached_two_mailboxes():
    """Why item 8 matters: the address the old pattern took is two recipients."""
    assert _recipients("root,x@evil.example") == ["root", "x@evil.example"]


@pytest.mark.parametrize("character", string.printable)
def test_every_accepted_address_is_one_recipient(character):
    """Each printable character, inside and at either end of the local part: if the
    address is accepted, the mail goes to that one address and no other."""
    for address in (f"a{character}b@x.example", f"{character}ab@x.example",
                    f"ab{character}@x.example"):
        try:
            accepted = users.validate_email(address)
        except users.UserError:
            continue
        assert _recipients(accepted) == [accepted], repr(address)


@pytest.mark.parametrize("address", ["a@b.example", "first.last+tag@mail.example.co",
                                     "o_k-1{x}|~!#$%&*/=?^@a-b.example", "A@EXAMPLE.COM"])
def test_ordinary_addresses_are_accepted_as_they_are(address):
    assert users.validate_email(f" {address} ") == address
    assert _recipients(address) == [address]


def test_usernames_are_unique_without_regard_to_case(site, make_user):
    make_user("amy")
    with pytest.raises(users.UserError, match="Invalid username"):
        make_user("Amy")
    with pytest.raises(users.UserError, match="taken"):
        make_user("amy")


def test_checker_caches_only_while_the_hash_and_account_are_unchanged(site, make_user):
    make_user("amy", password="first-password")
    checker = CredentialChecker()
    with site.reading() as db:
        assert checker.check(db, "amy", "first-password") is not None
        assert checker.check(db, "amy", "first-password") is not None   # from the cache
        assert checker.check(db, "amy", "other-password") is None
        assert checker.check(db, "nobody", "first-password") is None
    with site.unit_of_work() as db:
        users.set_password(db, users.get_user(db, "amy"), "second-password")
    with site.reading() as db:
        assert checker.check(db, "amy", "first-password") is None
        assert checker.check(db, "amy", "second-password") is not None
    with site.unit_of_work() as db:
        users.set_active(db, users.get_user(db, "amy"), False)
    with site.reading() as db:
        assert checker.check(db, "amy", "second-password") is None


def test_svn_password_verdict_follows_every_change_at_once(site, make_user):
    """The svn auth provider's answer: True, False (wrong or disabled) or None (no such
    user), from one query on a plain connection, with the verification remembered."""
    make_user("amy", password="first-password")
    checker = CredentialChecker()
    addresses = (f"10.0.0.{n}" for n in itertools.count(1))   # out of the limit's way

    def verdict(username, password):
        with site.engine.connect() as connection:
            return checker.password_verdict(connection, username, password,
                                            next(addresses))

    assert verdict("amy", "first-password") is True
    assert verdict("amy", "first-password") is True                  # remembered
    assert verdict("amy", "other-password") is False
    assert verdict("amy", "") is False
    assert verdict("amy", "x" * 10000) is False
    assert verdict("nobody", "first-password") is None
    with site.unit_of_work() as db:
        users.set_password(db, users.get_user(db, "amy"), "second-password")
    assert verdict("amy", "first-password") is False
    assert verdict("amy", "second-password") is True
    with site.unit_of_work() as db:
        users.set_active(db, users.get_user(db, "amy"), False)
    assert verdict("amy", "second-password") is False
    with site.unit_of_work() as db:
        users.set_active(db, users.get_user(db, "amy"), True)
    assert verdict("amy", "second-password") is True


def test_checker_never_keeps_passwords(site, make_user):
    make_user("amy", password="first-password")
    checker = CredentialChecker()
    with site.reading() as db:
        checker.check(db, "amy", "first-password")
    assert all(b"first-password" not in key for key in checker._verified)


def test_a_hash_with_older_parameters_is_replaced_at_sign_in(site, make_user):
    from argon2 import PasswordHasher
    from devjavu.accounts.passwords import needs_rehash
    from devjavu.accounts.signin import sign_in
    make_user("olga", password="an-old-password")
    older = PasswordHasher(time_cost=3, memory_cost=65536, parallelism=4).hash(
        "an-old-password")
    with site.unit_of_work() as db:
        users.get_user(db, "olga").password_hash = older
    with site.unit_of_work() as db:
        assert sign_in(db, "olga", "an-old-password", "127.0.0.1").username == "olga"
    with site.reading() as db:
        renewed = users.get_user(db, "olga").password_hash
    assert renewed != older and needs_rehash(older) and not needs_rehash(renewed)
    assert "m=19456,t=2,p=1" in renewed
    assert verify_password(renewed, "an-old-password")
    assert not verify_password(renewed, "a-wrong-password")


def test_concurrent_verifications_wait_their_turn_and_all_answer():
    from concurrent.futures import ThreadPoolExecutor
    from devjavu.accounts import passwords
    stored = passwords.hash_password("a-good-password")
    guesses = ["a-good-password", "a-bad-password"] * 6
    with ThreadPoolExecutor(len(guesses)) as pool:
        answers = list(pool.map(lambda g: passwords.verify_password(stored, g), guesses))
    assert answers == [True, False] * 6
    # Every permit came back.
    permits = os.cpu_count() or 1
    taken = [passwords._hashing.acquire(blocking=False) for _ in range(permits)]
    for _ in range(sum(taken)):
        passwords._hashing.release()
    assert all(taken)
