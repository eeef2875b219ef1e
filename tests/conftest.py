"""Shared fixtures: a real, migrated database in a temporary data directory, on a SQLite
file always and on the local PostgreSQL server too where the machine has one."""
import os
import shutil

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from devjavu import datadir
from devjavu.accounts import users
from devjavu.migrate import upgrade_to_head
from devjavu.models import Base, make_engine
from devjavu.settings import load_settings
from devjavu.site import Site
from tests.support.sitedir import SiteDir

POSTGRES_ADMIN_URL = os.environ.get("DEVJAVU_TEST_POSTGRES",
                                    "postgresql+psycopg://postgres@127.0.0.1/postgres")


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory):
    """A SQLite database migrated once to head; each test gets a copy of the file."""
    path = tmp_path_factory.mktemp("db") / "devjavu.sqlite"
    _migrate(f"sqlite:///{path}")
    return path


def _migrate(url: str) -> None:
    engine = make_engine(url)
    upgrade_to_head(engine)
    engine.dispose()


@pytest.fixture(scope="session")
def postgres_url():
    """A fresh PostgreSQL database for this run, migrated to head; dropped at the end."""
    admin_engine = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"devjavu_test_{os.getpid()}"
    try:
        with admin_engine.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {name}"))
            connection.execute(text(f"CREATE DATABASE {name}"))
    except OperationalError as e:
        admin_engine.dispose()
        pytest.skip(f"no PostgreSQL server here: {e.orig}")
    url = POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    _migrate(url)
    yield url
    with admin_engine.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    admin_engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def site(request, migrated_sqlite):
    if request.param == "sqlite":
        sitedir = SiteDir()
        settings = load_settings(sitedir.ini_path)
        datadir.prepare(settings)
        shutil.copy(migrated_sqlite, settings.data_dir / "devjavu.sqlite")
    else:
        url = request.getfixturevalue("postgres_url")
        sitedir = SiteDir(database_url=url)
        settings = load_settings(sitedir.ini_path)
        datadir.prepare(settings)
    site = Site(settings)
    if request.param == "postgresql":
        tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
        with site.engine.begin() as connection:
            connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    yield site
    site.dispose()
    sitedir.remove()


@pytest.fixture
def make_user(site):
    def make(name, password="a-good-password", admin=False):
        with site.unit_of_work() as db:
            users.add_user(db, name, f"{name}@example.com", password, is_admin=admin)
    return make
