"""SQLAlchemy models and the engine/session plumbing shared by every entry point."""
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, configure_mappers, sessionmaker
import zope.sqlalchemy

from devjavu.models.meta import Base
from devjavu.models.user import User
from devjavu.models.project import Project
from devjavu.models.membership import Membership, Role
from devjavu.models.session import LoginSession
from devjavu.models.token import AccessToken
from devjavu.models.invitation import Invitation, InviteCode, PasswordReset
from devjavu.models.site_setting import SiteSetting, WaitlistEntry
from devjavu.models.audit import AuditEvent
from devjavu.models.job import Job, JobState
from devjavu.models.renamed_name import RenamedName

configure_mappers()

__all__ = ["Base", "User", "Project", "Membership", "Role", "LoginSession", "AccessToken",
           "Invitation", "InviteCode", "PasswordReset", "SiteSetting", "WaitlistEntry",
           "AuditEvent", "Job", "JobState", "RenamedName", "make_engine",
           "make_session_factory", "tm_session"]


def _configure_sqlite(dbapi_connection, connection_record):
    # WAL lets Apache's auth workers read while the daemon or the CLI writes; the
    # busy timeout turns a brief writer lock into a wait instead of an error.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.close()


def make_engine(database_url: str) -> Engine:
    engine = create_engine(database_url, pool_pre_ping=not database_url.startswith("sqlite"))
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _configure_sqlite)
    return engine


def make_session_factory(engine: Engine, **info) -> sessionmaker:
    """Sessions carry `info` (for example the settings) to after-commit listeners."""
    return sessionmaker(bind=engine, info=dict(info))


def tm_session(session_factory: sessionmaker, transaction_manager) -> Session:
    """A session joined to a `transaction` manager: it commits when the manager does."""
    db = session_factory()
    zope.sqlalchemy.register(db, transaction_manager=transaction_manager)
    return db
