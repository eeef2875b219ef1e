"""The one sign-in limit: growing delays per account and address, counted the same for
every way in (the /login form, svn and Trac Basic auth, passwords and tokens)."""
from datetime import timedelta

import pytest
from sqlalchemy import event, func, select

from devjavu import audit
from devjavu.accounts import throttle, tokens, users
from devjavu.accounts.credentials import CredentialChecker
from devjavu.accounts.signin import SignInError, sign_in
from devjavu.clock import utcnow
from devjavu.models import AuditEvent

RIGHT = "the-right-password"
WRONG = "a-wrong-password"


def _executed_by(site, call) -> list[tuple[str, tuple]]:
    statements = []

    def keep(conn, cursor, statement, parameters, context, executemany):
        statements.append((statement, parameters))

    event.listen(site.engine, "before_cursor_execute", keep)
    try:
        call()
    finally:
        event.remove(site.engine, "before_cursor_execute", keep)
    return statements


def test_counting_failures_reads_only_the_newest_failures_in_the_window(site):
    """Each count is a range at the end of an index, at most COUNTED_AT_MOST entries
    long: a botnet's thousands of failures on one account do not slow its owner."""
    if site.engine.dialect.name != "sqlite":
        pytest.skip("the query plan is checked on SQLite")
    now = utcnow()
    with site.engine.begin() as connection:
        connection.execute(AuditEvent.__table__.insert(), [
            {"at": now - timedelta(days=i % 90), "event": audit.SIGNIN, "subject": "amy",
             "ip_address": "10.0.0.1", "detail": ""} for i in range(2000)])
        throttle.record_failure(connection, "bob", "10.0.0.1", "svn")
    with site.engine.connect() as connection:
        statements = _executed_by(
            site, lambda: throttle.seconds_to_wait(connection, "amy", "10.0.0.1"))
        plans = [" ".join(row[3] for row in connection.exec_driver_sql(
            f"EXPLAIN QUERY PLAN {sql}", parameters)) for sql, parameters in statements]
    assert len(plans) == 2
    for plan, column in zip(plans, ("ip_address", "subject")):
        assert f"ix_audit_events_event_{column}_at" in plan, plan
        assert "at>?" in plan.replace(" ", ""), plan
    assert all("LIMIT ?" in sql and throttle.COUNTED_AT_MOST in parameters
               for sql, parameters in statements)


def test_every_delay_is_at_its_longest_before_counting_stops():
    for backoff in (throttle.FROM_ADDRESS_TO_ACCOUNT, throttle.FROM_ADDRESS,
                    throttle.TO_ACCOUNT):
        assert backoff.wait_after(throttle.COUNTED_AT_MOST - 1) == backoff.longest


def test_delays_double_from_one_second_up_to_their_longest():
    pair = throttle.FROM_ADDRESS_TO_ACCOUNT
    assert [pair.wait_after(n).total_seconds() for n in (0, 4, 5, 6, 7, 14, 15, 40)] == [
        0, 0, 1, 2, 4, 512, 900, 900]
    assert throttle.FROM_ADDRESS.wait_after(19) == timedelta(0)
    assert throttle.FROM_ADDRESS.wait_after(21) == timedelta(seconds=2)
    account = throttle.TO_ACCOUNT
    assert [account.wait_after(n).total_seconds() for n in (4, 5, 9, 10, 15, 1000)] == [
        0, 1, 1, 2, 4, 60]


def _form(site, username, password, ip) -> str:
    """'' for a sign-in, else the refusal's message; a failure is kept as the dashboard
    keeps it."""
    with site.unit_of_work() as db:
        try:
            sign_in(db, username, password, ip)
        except SignInError as refused:
            return str(refused)
    return ""


def _failures(site) -> int:
    with site.reading() as db:
        return db.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.event == audit.SIGNIN_FAILED))


def _wait(site, username, ip, after=timedelta(0)) -> int:
    with site.engine.connect() as connection:
        return throttle.seconds_to_wait(connection, username, ip, utcnow() + after)


def test_guessing_from_one_address_waits_longer_at_every_failure(site, make_user):
    make_user("amy", password=RIGHT)
    for _ in range(5):
        assert _form(site, "amy", WRONG, "10.0.0.2") == "Wrong username or password."
    assert "Try again in 1 second." in _form(site, "amy", RIGHT, "10.0.0.2")
    # Refused attempts are not checked, and not counted: a flood writes nothing.
    for _ in range(30):
        assert "Too many failed sign-ins" in _form(site, "amy", WRONG, "10.0.0.2")
    assert _failures(site) == 5
    assert _wait(site, "amy", "10.0.0.2", after=timedelta(seconds=1)) == 0
    with site.engine.begin() as connection:        # a sixth failure, as if a second later
        throttle.record_failure(connection, "amy", "10.0.0.2", "form")
    assert 1 < _wait(site, "amy", "10.0.0.2") <= 2
    assert _wait(site, "amy", "10.0.0.2", after=timedelta(seconds=2)) == 0


def test_a_flood_against_an_account_does_not_lock_its_owner_out(site, make_user):
    make_user("amy", password=RIGHT)
    for i in range(40):
        _form(site, "amy", WRONG, f"10.0.1.{i}")       # a botnet: one guess per address
    assert _failures(site) == 40
    # The owner, from an address that has not been failing, signs in at once...
    assert _form(site, "amy", RIGHT, "10.0.0.9") == ""
    # ...and after a mistyped password waits for the account's delay: at most a minute.
    assert _form(site, "amy", WRONG, "10.0.0.9") == "Wrong username or password."
    assert "Too many failed sign-ins" in _form(site, "amy", RIGHT, "10.0.0.9")
    assert 0 < _wait(site, "amy", "10.0.0.9") <= 60
    assert _form(site, "AMY", RIGHT, "10.0.0.10") == ""


def test_spraying_names_from_one_address_holds_back_that_address(site, make_user):
    make_user("bob", password=RIGHT)
    for i in range(20):
        assert "Wrong" in _form(site, f"nobody{i}", WRONG, "10.0.0.2")
    assert "Too many failed sign-ins" in _form(site, "bob", RIGHT, "10.0.0.2")
    assert _form(site, "bob", RIGHT, "10.0.0.4") == ""


def test_every_way_in_counts_towards_one_limit(site, make_user):
    make_user("amy", password=RIGHT)
    with site.unit_of_work() as db:
        _, token = tokens.create_token(db, users.get_user(db, "amy"), "laptop", RIGHT)
    checker = CredentialChecker()
    ip = "10.0.0.5"
    assert "Wrong" in _form(site, "amy", WRONG, ip)
    with site.engine.connect() as connection:
        assert checker.password_verdict(connection, "amy", WRONG + "1", ip) is False
        assert checker.password_verdict(connection, "Amy", WRONG + "2", ip) is None
    with site.unit_of_work() as db:
        assert checker.attempt(db, "amy", WRONG + "3", ip, "trac") is None
        assert checker.attempt(db, "amy", token[:-3] + "xyz", ip, "svn") is None
    with site.reading() as db:
        ways = sorted(e.detail for e in audit.recent(db) if e.event == audit.SIGNIN_FAILED)
        assert {e.subject for e in audit.recent(db)} == {"amy"}
    assert ways == ["form", "svn", "svn", "svn token", "trac"]
    # Five failures however they came: every way in now waits, with the right secret too.
    assert "Too many" in _form(site, "amy", RIGHT, ip)
    with site.engine.connect() as connection:
        with pytest.raises(throttle.TooManyFailures) as refused:
            checker.password_verdict(connection, "amy", RIGHT, ip)
    assert refused.value.retry_after == 1
    with site.unit_of_work() as db, pytest.raises(throttle.TooManyFailures):
        checker.attempt(db, "amy", token, ip, "trac")
    assert _failures(site) == 5
    # Nothing holds back the same secrets from another address.
    with site.engine.connect() as connection:
        assert checker.password_verdict(connection, "amy", RIGHT, "10.0.0.6") is True
    with site.unit_of_work() as db:
        assert checker.attempt(db, "amy", token, "10.0.0.6", "svn").username == "amy"


def test_a_remembered_password_is_held_back_like_any_other(site, make_user):
    """The cache of verified passwords would answer a guess fast: it must not answer an
    address that has to wait."""
    make_user("amy", password=RIGHT)
    checker = CredentialChecker()
    with site.engine.connect() as connection:
        assert checker.password_verdict(connection, "amy", RIGHT, "10.0.0.1") is True
        for n in range(5):
            checker.password_verdict(connection, "amy", f"{WRONG}-{n}", "10.0.0.7")
        with pytest.raises(throttle.TooManyFailures):
            checker.password_verdict(connection, "amy", RIGHT, "10.0.0.7")


def test_a_successful_check_writes_nothing(site, make_user):
    make_user("amy", password=RIGHT)
    checker = CredentialChecker()
    with site.engine.connect() as connection:
        checker.password_verdict(connection, "amy", RIGHT, "10.0.0.1")
        statements = _executed_by(site, lambda: checker.password_verdict(
            connection, "amy", RIGHT, "10.0.0.1"))
    assert len(statements) == 2 and all(s.lstrip().upper().startswith("SELECT")
                                        for s, _ in statements), statements


def test_a_refused_secret_sent_again_is_not_another_guess(site, make_user):
    """The svn client resends a refused password two or three times per command."""
    make_user("amy", password=RIGHT)
    checker = CredentialChecker()
    with site.engine.connect() as connection:
        for _ in range(10):
            assert checker.password_verdict(connection, "amy", WRONG, "10.0.0.1") is False
        assert _failures(site) == 1
        assert checker.password_verdict(connection, "amy", WRONG, "10.0.0.2") is False
        assert checker.password_verdict(connection, "amy", WRONG + "!", "10.0.0.1") is False
        assert _failures(site) == 3
        assert checker.password_verdict(connection, "amy", RIGHT, "10.0.0.1") is True
        assert checker.password_verdict(connection, "amy", RIGHT, "10.0.0.1") is True
    with site.unit_of_work() as db:
        for _ in range(10):
            assert checker.attempt(db, "amy", WRONG, "10.0.0.3", "trac") is None
    assert _failures(site) == 4
