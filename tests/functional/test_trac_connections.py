"""Trac's database connections are reused across requests, with more projects open than
Trac's own process-wide pool holds by default (10)."""
import pytest
from trac.db.sqlite_backend import SQLiteConnector

from devjavu.accounts import users
from devjavu.projects import service

PROJECTS = 15


@pytest.mark.parametrize("site", ["sqlite"], indirect=True)
def test_each_open_project_keeps_its_connection(site, make_user, webapp, monkeypatch):
    make_user("olga")
    with site.unit_of_work() as db:
        olga = users.get_user(db, "olga")
        for i in range(PROJECTS):
            service.create_project(db, site.settings, f"proj{i:02d}", olga)
    opened = []
    real = SQLiteConnector.get_connection
    monkeypatch.setattr(SQLiteConnector, "get_connection",
                        lambda self, *args, **kwargs: opened.append(1) or real(
                            self, *args, **kwargs))
    for _ in range(2):
        for i in range(PROJECTS):
            webapp.get(f"/proj{i:02d}/wiki/WikiStart", status=200)
    first_pass = len(opened)
    for i in range(PROJECTS):
        webapp.get(f"/proj{i:02d}/wiki/WikiStart", status=200)
    assert first_pass >= PROJECTS and len(opened) == first_pass
