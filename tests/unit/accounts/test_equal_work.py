"""Every refusal of a password or token costs one full argon2 verification, whether the
account exists, is disabled, or the token is unknown: the time of an answer does not
tell which names have an account. Counted, not timed: the hasher's real `verify` is
wrapped to count its calls."""
import argon2
import pytest

from devjavu.accounts import tokens, users
from devjavu.accounts.credentials import CredentialChecker
from devjavu.accounts.signin import SignInError, sign_in

RIGHT = "the-right-password"
WRONG = "a-wrong-password"
UNKNOWN_TOKEN = "djv_aaaaaaaaaaaa_" + "b" * 43


@pytest.fixture
def verifications(monkeypatch):
    calls = []
    real = argon2.PasswordHasher.verify

    def counted(self, hash, password):
        calls.append(hash)
        return real(self, hash, password)

    monkeypatch.setattr(argon2.PasswordHasher, "verify", counted)
    return calls


@pytest.fixture
def accounts(site, make_user):
    make_user("amy", password=RIGHT)
    make_user("dora", password=RIGHT)
    with site.unit_of_work() as db:
        _, token = tokens.create_token(db, users.get_user(db, "amy"), "laptop", RIGHT)
        users.set_active(db, users.get_user(db, "dora"), False)
    return token


def _by_form(site, username, secret, address):
    with site.unit_of_work() as db:
        with pytest.raises(SignInError):
            sign_in(db, username, secret, address)


def _by_trac(site, username, secret, address):
    with site.unit_of_work() as db:
        assert CredentialChecker().attempt(db, username, secret, address, "trac") is None


def _by_svn(site, username, secret, address):
    with site.engine.connect() as connection:
        assert not CredentialChecker().password_verdict(connection, username, secret,
                                                        address)


@pytest.mark.parametrize("way_in", [_by_form, _by_trac, _by_svn])
@pytest.mark.parametrize("username,secret", [
    ("amy", WRONG), ("nobody", WRONG), ("dora", WRONG), ("dora", RIGHT)])
def test_each_refused_password_costs_one_verification(site, accounts, verifications,
                                                       way_in, username, secret):
    way_in(site, username, secret, "10.0.0.1")
    assert len(verifications) == 1


@pytest.mark.parametrize("username,secret", [
    ("amy", UNKNOWN_TOKEN), ("nobody", UNKNOWN_TOKEN), ("dora", UNKNOWN_TOKEN),
    ("amy", "wrong-secret")])
def test_each_refused_token_costs_one_verification(site, accounts, verifications,
                                                   username, secret):
    if secret == "wrong-secret":
        secret = accounts[:-4] + "zzzz"
    _by_trac(site, username, secret, "10.0.0.1")
    assert len(verifications) == 1
    verifications.clear()
    other = accounts if username == "amy" else secret
    _by_trac(site, "dora" if username == "amy" else username, other, "10.0.0.2")
    assert len(verifications) == 1          # amy's good token under another name
