"""Unit tests run on a real, migrated SQLite file in a temporary data directory."""
import shutil

import pytest

from devjavu import datadir
from devjavu.accounts import users
from devjavu.migrate import upgrade_to_head
from devjavu.settings import load_settings
from devjavu.site import Site
from tests.support.sitedir import SiteDir


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory):
    """A database migrated once to head; each test gets a copy of the file."""
    sitedir = SiteDir()
    settings = load_settings(sitedir.ini_path)
    datadir.prepare(settings)
    site = Site(settings)
    upgrade_to_head(site.engine)
    site.dispose()
    path = tmp_path_factory.mktemp("db") / "devjavu.sqlite"
    shutil.copy(settings.data_dir / "devjavu.sqlite", path)
    sitedir.remove()
    return path


@pytest.fixture
def sitedir():
    sitedir = SiteDir()
    yield sitedir
    sitedir.remove()


@pytest.fixture
def site(sitedir, migrated_database):
    settings = load_settings(sitedir.ini_path)
    datadir.prepare(settings)
    shutil.copy(migrated_database, settings.data_dir / "devjavu.sqlite")
    site = Site(settings)
    yield site
    site.dispose()


@pytest.fixture
def make_user(site):
    def make(name, password="a-good-password", admin=False):
        with site.unit_of_work() as db:
            users.add_user(db, name, f"{name}@example.com", password, is_admin=admin)
    return make
