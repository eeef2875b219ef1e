"""Opening the site for a command: data directory ready, running as its owner."""
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from devjavu import datadir
from devjavu.cli.errors import CommandError
from devjavu.migrate import alembic_config
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
