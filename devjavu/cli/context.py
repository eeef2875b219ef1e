"""Opening the site for a command: data directory ready, running as its owner."""
from contextlib import contextmanager
from typing import Iterator

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from sqlalchemy.orm import Session

from devjavu import datadir
from devjavu.accounts.users import UserError
from devjavu.cli.errors import CommandError
from devjavu.migrate import alembic_config
from devjavu.projects.service import MembershipError, ProjectError
from devjavu.settings import Settings
from devjavu.site import Site


def open_site(settings: Settings, require_current_schema: bool = True) -> Site:
    datadir.prepare(settings)
    datadir.drop_privileges(settings)
    site = Site(settings)
    if require_current_schema:
        head = ScriptDirectory.from_config(alembic_config(site.engine)).get_current_head()
        with site.engine.connect() as connection:
            current = MigrationContext.configure(connection).get_current_revision()
        if current != head:
            raise CommandError("The database is not at the current schema; run "
                               "`devjavu-admin migrate` first.")
    return site


# What the services raise for bad input: shown to the operator as one line.
SERVICE_ERRORS = (UserError, ProjectError, MembershipError)


@contextmanager
def changing(settings: Settings) -> Iterator[Session]:
    """A session whose changes commit at the end; service errors end the command."""
    site = open_site(settings)
    try:
        with site.unit_of_work() as db:
            yield db
    except SERVICE_ERRORS as e:
        raise CommandError(e) from None


@contextmanager
def reading(settings: Settings) -> Iterator[Session]:
    site = open_site(settings)
    try:
        with site.reading() as db:
            yield db
    except SERVICE_ERRORS as e:
        raise CommandError(e) from None
