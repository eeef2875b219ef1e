"""The sign-in limit counts failures with an index on (event, who, time): its cost does not
grow with the events one address or account has piled up over the months."""
from datetime import timedelta

import pytest
from sqlalchemy import event

from devjavu import audit
from devjavu.accounts.signin import SignInError, sign_in
from devjavu.clock import utcnow
from devjavu.models import AuditEvent


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


@pytest.mark.parametrize("who", [{"ip": "10.0.0.1"}, {"subject": "amy"}])
def test_counting_failures_reads_only_the_failures_in_the_window(site, who):
    if site.engine.dialect.name != "sqlite":
        pytest.skip("the query plan is checked on SQLite")
    now = utcnow()
    with site.engine.begin() as connection:
        connection.execute(AuditEvent.__table__.insert(), [
            {"at": now - timedelta(days=i % 90), "event": audit.SIGNIN, "subject": "amy",
             "ip_address": "10.0.0.1", "detail": ""} for i in range(2000)])
    since = now - timedelta(minutes=15)
    with site.reading() as db:
        (sql, parameters), = _executed_by(
            site, lambda: audit.count_since(db, audit.SIGNIN_FAILED, since, **who))
        plan = " ".join(row[3] for row in db.connection().exec_driver_sql(
            f"EXPLAIN QUERY PLAN {sql}", parameters))
    column = "ip_address" if "ip" in who else "subject"
    assert f"ix_audit_events_event_{column}_at" in plan, plan
    assert "at>?" in plan.replace(" ", ""), plan


def _refused(site, username, password, ip) -> str:
    """The message of a refused sign-in, whose failure is kept as the dashboard keeps it."""
    with site.unit_of_work() as db:
        with pytest.raises(SignInError) as refused:
            sign_in(db, username, password, ip)
    return str(refused.value)


def test_the_limit_still_counts_failures_per_account_and_per_address(site, make_user):
    make_user("amy", password="the-right-password")
    make_user("bob", password="the-right-password")
    for _ in range(5):
        assert "Wrong" in _refused(site, "amy", "a-wrong-password", "10.0.0.2")
    assert "Too many" in _refused(site, "amy", "the-right-password", "10.0.0.3")
    for i in range(15):
        assert "Wrong" in _refused(site, f"nobody{i}", "a-wrong-password", "10.0.0.2")
    assert "Too many" in _refused(site, "bob", "the-right-password", "10.0.0.2")
    with site.unit_of_work() as db:
        assert sign_in(db, "bob", "the-right-password", "10.0.0.4").username == "bob"
