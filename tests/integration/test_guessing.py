"""Guessing passwords against the real Apache: over svn (mod_wsgi's auth provider in
Apache's children) and Trac Basic auth (the WSGI daemon), one limit in the shared
database. Clients are told apart by their loopback source address (127.0.0.0/8);
127.0.0.2 is the site's trusted proxy."""
import os
import signal
import time

import pytest
from sqlalchemy import select

from devjavu import audit
from devjavu.accounts import throttle
from devjavu.models import AuditEvent
from devjavu.settings import load_settings
from devjavu.site import Site
from tests.support.apache import RunningApache, admin
from tests.support.loopback import client_from
from tests.support.processes import apache_children
from tests.support.sitedir import SiteDir
from tests.support.svnclient import SvnClient

PASSWORDS = {"olga": "olga-secret-12", "gus": "gus-secret-123", "vic": "vic-secret-123",
             "pat": "pat-secret-123", "quinn": "quinn-secret-12", "sam": "sam-secret-1234"}
PROXY = "127.0.0.2"
GUESSES = 40
# A wait this long outlasts any one svn command, however busy the machine.
SURE_WAIT_SECONDS = 8
UNKNOWN_TOKEN = "djv_aaaaaaaaaaaa_" + "b" * 43
# Prepended to the svn auth provider: one line per argon2 verification in Apache's
# children, the real verification still done.
COUNTING_VERIFICATIONS = """
import fcntl
import argon2
_real_verify = argon2.PasswordHasher.verify


def _counted_verify(self, hash, password):
    with open({calls!r}, "a") as calls:
        fcntl.flock(calls, fcntl.LOCK_EX)
        calls.write("verify\\n")
    return _real_verify(self, hash, password)


argon2.PasswordHasher.verify = _counted_verify
"""


def _start():
    sitedir = SiteDir(**{"devjavu.trusted_proxies": PROXY})
    admin(sitedir, "migrate")
    for name, password in PASSWORDS.items():
        admin(sitedir, "user", "add", name, "--email", f"{name}@example.com",
              input=password + "\n")
    admin(sitedir, "project", "add", "secret", "--owner", "olga", "--private")
    for name in PASSWORDS:
        if name != "olga":
            admin(sitedir, "member", "add", "secret", name, "--role", "developer")
    return sitedir, RunningApache(sitedir), Site.from_ini(sitedir.ini_path)


@pytest.fixture(scope="module")
def guessed():
    """One site for this module, whose svn auth provider counts argon2 verifications in
    a file (the script is changed before any svn request: each child loads it at its
    first). Each test fails from addresses of its own, so that one test's failures never
    hold back another's; the svn client's guesses can only come from 127.0.0.1, so the
    test that makes them runs last."""
    sitedir, apache, site = _start()
    try:
        admin(sitedir, "user", "add", "dora", "--email", "dora@example.com",
              input="dora-secret-12\n")
        admin(sitedir, "member", "add", "secret", "dora", "--role", "developer")
        admin(sitedir, "user", "disable", "dora")
        script = load_settings(sitedir.ini_path).httpd_dir / "svnauth.wsgi"
        calls = sitedir.root / "verifications.txt"
        calls.touch()
        calls.chmod(0o666)
        script.write_text(COUNTING_VERIFICATIONS.format(calls=str(calls))
                          + script.read_text())
        _new_children_load_it(apache, sitedir)
        yield sitedir, site, calls
    finally:
        site.dispose()
        apache.stop()
        sitedir.remove()


def _new_children_load_it(apache, sitedir) -> None:
    """Each child loaded the script as it started: a graceful restart, and every child
    of the new generation has loaded the changed one (its record is written there)."""
    old = set(apache_children(apache.process.pid))
    os.kill(apache.process.pid, signal.SIGUSR1)
    deadline = time.monotonic() + 60
    while True:
        children = set(apache_children(apache.process.pid))
        records = sitedir.data_dir / "children"
        recorded = {int(p.name.split("-")[0]) for p in records.glob("*-*")}
        if children and not children & old and children <= recorded:
            return
        assert time.monotonic() < deadline, "no new generation of Apache children"
        time.sleep(0.1)


def _failures(site, username) -> list[tuple[str, str]]:
    """(address, way in) of each failure counted for `username`."""
    with site.engine.connect() as connection:
        return list(connection.execute(select(
            AuditEvent.ip_address, AuditEvent.detail).where(
            AuditEvent.event == audit.SIGNIN_FAILED, AuditEvent.subject == username)))


def _wait(site, username, address) -> int:
    with site.engine.connect() as connection:
        return throttle.seconds_to_wait(connection, username, address)


def _trac(sitedir, address, username, password, **headers):
    return client_from(address).get(f"{sitedir.http_url}/secret/wiki/WikiStart",
                                    auth=(username, password), headers=headers)


def _svn(sitedir, address, username, password):
    return client_from(address).request("PROPFIND", f"{sitedir.http_url}/svn/secret/",
                                        auth=(username, password), headers={"Depth": "0"})


def test_trac_guesses_get_429_until_the_delay_has_passed(guessed):
    sitedir, site, _ = guessed
    statuses = [_trac(sitedir, "127.0.0.4", "gus", f"guess-{n:03d}").status_code
                for n in range(GUESSES)]
    assert set(statuses) == {401, 429} and statuses[:5] == [401] * 5, statuses
    refused = _trac(sitedir, "127.0.0.4", "gus", PASSWORDS["gus"])
    assert refused.status_code == 429 and "Too many failed sign-ins" in refused.text
    retry_after = int(refused.headers["Retry-After"])
    assert retry_after >= 1
    assert len(_failures(site, "gus")) == statuses.count(401)
    time.sleep(retry_after)
    assert _trac(sitedir, "127.0.0.4", "gus", PASSWORDS["gus"]).status_code == 200


def test_a_flood_against_someone_else_does_not_lock_them_out(guessed, tmp_path):
    sitedir, site, _ = guessed
    for n in range(GUESSES):
        assert _svn(sitedir, "127.0.0.3", "vic", f"guess-{n:03d}").status_code == 401
        assert _trac(sitedir, "127.0.0.3", "vic", f"guess-{n:03d}").status_code in (401,
                                                                                     429)
    assert _trac(sitedir, "127.0.0.3", "vic", PASSWORDS["vic"]).status_code == 429
    # vic, from an address that has not been failing, works as ever.
    svn = SvnClient(sitedir.http_url, tmp_path)
    svn.run("ls", svn.url("secret"), user="vic", password=PASSWORDS["vic"])
    assert _trac(sitedir, "127.0.0.1", "vic", PASSWORDS["vic"]).status_code == 200


def test_a_forged_forwarded_for_neither_resets_the_count_nor_reaches_the_log(guessed):
    sitedir, site, _ = guessed
    for n in range(GUESSES):
        _trac(sitedir, "127.0.0.5", "pat", f"guess-{n:03d}",
              **{"X-Forwarded-For": f"198.51.100.{n}"})
        _svn(sitedir, "127.0.0.5", "pat", f"guess-{n:03d}")
    refused = _trac(sitedir, "127.0.0.5", "pat", PASSWORDS["pat"],
                    **{"X-Forwarded-For": "198.51.100.200"})
    assert refused.status_code == 429
    assert {address for address, _ in _failures(site, "pat")} == {"127.0.0.5"}


def test_a_trusted_proxy_is_believed_about_the_address_it_forwards(guessed):
    sitedir, site, _ = guessed
    forged_then_real = {"X-Forwarded-For": "6.6.6.6, 203.0.113.9"}
    for n in range(GUESSES):
        _trac(sitedir, PROXY, "quinn", f"guess-{n:03d}", **forged_then_real)
    assert _trac(sitedir, PROXY, "quinn", PASSWORDS["quinn"],
                 **forged_then_real).status_code == 429
    assert {address for address, _ in _failures(site, "quinn")} == {"203.0.113.9"}
    # Another client behind the same proxy is another address.
    assert _trac(sitedir, PROXY, "quinn", PASSWORDS["quinn"],
                 **{"X-Forwarded-For": "203.0.113.10"}).status_code == 200


def test_svn_spends_one_verification_on_unknown_and_disabled_accounts(guessed):
    """Counted in Apache's children, not timed: before, an unknown name was answered
    without one (about 1 ms against 20 ms), which told who has an account."""
    sitedir, _, calls = guessed
    attempts = [("olga", "a-wrong-password"), ("nobody", "a-wrong-password"),
                ("dora", "dora-secret-12"), ("olga", UNKNOWN_TOKEN),
                ("nobody", UNKNOWN_TOKEN)]
    for n, (username, secret) in enumerate(attempts):
        before = len(calls.read_text().splitlines())
        assert _svn(sitedir, f"127.0.1.{n}", username, secret).status_code == 401
        assert len(calls.read_text().splitlines()) - before == 1, (username, secret)
    # The right password is verified once, then remembered on that connection's child.
    olga = client_from("127.0.1.99")
    before = len(calls.read_text().splitlines())
    for _ in range(3):
        answer = olga.request("PROPFIND", f"{sitedir.http_url}/svn/secret/",
                              auth=("olga", PASSWORDS["olga"]), headers={"Depth": "0"})
        assert answer.status_code == 207
    assert len(calls.read_text().splitlines()) - before == 1


def test_svn_guesses_wait_and_then_the_right_password_works(guessed, tmp_path):
    """Last in this module: its guesses come from 127.0.0.1."""
    sitedir, site, _ = guessed
    svn = SvnClient(sitedir.http_url, tmp_path)
    # The client sends a refused password again (two requests here): one guess.
    assert svn.run("ls", svn.url("secret"), user="sam", password="guess-first",
                   check=False).returncode != 0
    assert len(_failures(site, "sam")) == 1
    for n in range(GUESSES):
        guess = svn.run("ls", svn.url("secret"), user="sam", password=f"guess-{n:03d}",
                        check=False)
        assert guess.returncode != 0
    # The right password must come while a wait runs: on a busy machine one svn command
    # can outlast a short one. More counted guesses (each after the wait) lengthen it.
    while _wait(site, "sam", "127.0.0.1") < SURE_WAIT_SECONDS:
        time.sleep(_wait(site, "sam", "127.0.0.1"))
        assert svn.run("ls", svn.url("secret"), user="sam", password="guess-more",
                       check=False).returncode != 0
    refused = svn.run("ls", svn.url("secret"), user="sam", password=PASSWORDS["sam"],
                      check=False)
    assert refused.returncode != 0 and "E215004" in refused.stderr, refused.stderr
    failures = _failures(site, "sam")
    # Held back attempts were neither checked nor counted.
    assert throttle.FROM_ADDRESS_TO_ACCOUNT.free_failures <= len(failures) < GUESSES
    assert set(failures) == {("127.0.0.1", "svn")}
    time.sleep(_wait(site, "sam", "127.0.0.1"))
    svn.run("ls", svn.url("secret"), user="sam", password=PASSWORDS["sam"])
