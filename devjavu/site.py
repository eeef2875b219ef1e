"""One DevjaVu site: its settings, database engine and sessions, as every entry point
(the WSGI dispatcher, the svn auth provider, the CLI, the tests) opens it."""
from contextlib import contextmanager
from typing import Iterator

import transaction
from sqlalchemy.orm import Session

from devjavu.models import hooks, make_engine, make_session_factory, tm_session
from devjavu.settings import Settings, load_settings


class Site:
    def __init__(self, settings: Settings):
        self.settings = settings
        self.engine = make_engine(settings.database_url)
        self.session_factory = make_session_factory(self.engine, settings=settings)
        hooks.install(self.session_factory)

    @classmethod
    def from_ini(cls, ini_path) -> "Site":
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
