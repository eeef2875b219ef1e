"""A site's settings, database engine and sessions, and nothing that writes generated
files: what Apache's children open for the svn password check (devjavu/apachechild/).
Every other entry point opens the whole site (devjavu/site.py), whose sessions also
rewrite the access files after a commit that changed access."""
from contextlib import contextmanager
from typing import Iterator

import transaction
from sqlalchemy.orm import Session

from devjavu.models import hooks, make_engine, make_session_factory, tm_session
from devjavu.settings import Settings, load_settings


class SiteDatabase:
    def __init__(self, settings: Settings, session_info: dict | None = None):
        self.settings = settings
        self.engine = make_engine(settings.database_url)
        self.session_factory = make_session_factory(self.engine, settings=settings,
                                                    **(session_info or {}))
        hooks.install(self.session_factory)

    @classmethod
    def from_ini(cls, ini_path):
        return cls(load_settings(ini_path))

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A session for lookups; nothing it changes is kept."""
        db = self.session_factory()
        try:
            yield db
        finally:
            db.rollback()
            db.close()

    @contextmanager
    def unit_of_work(self) -> Iterator[Session]:
        """A session whose changes commit together at the end, or not at all."""
        manager = transaction.TransactionManager(explicit=True)
        with manager:
            yield tm_session(self.session_factory, manager)

    def dispose(self) -> None:
        self.engine.dispose()
