"""initdb / migrate: bring the database to the current schema, the authz files and hooks
in step, finish creations a killed process left, and purge the trash of what has
expired. `serve` runs it at every start."""
import logging

from devjavu import authz
from devjavu.projects import journal, service, trash
from devjavu.svn import childwatch
from devjavu.svn.repository import RepositoryError, remove_dead_transactions, update_hooks
from devjavu.cli.context import open_site
from devjavu.migrate import upgrade_to_head

log = logging.getLogger(__name__)


def register(commands) -> None:
    for name in ("initdb", "migrate"):
        parser = commands.add_parser(name, help="create or upgrade the database schema")
        parser.set_defaults(handler=migrate)


def migrate(settings, args) -> int:
    site = open_site(settings, require_current_schema=False)
    upgrade_to_head(site.engine)
    # A project whose authz file cannot be rewritten is shut (fail closed) until the
    # next regeneration; the error is logged and /_health shows it, but it must not
    # keep the other projects down.
    with site.reading() as db:
        authz.regenerate_all(db, settings)
        projects = service.list_projects(db)
        authz.remove_leftovers(settings, [project.name for project in projects])
        # Hooks an older version installed go, at every start, so that an upgrade
        # takes them out of every commit.
        for project in projects:
            update_hooks(settings, project.name)
            _remove_dead_transactions(settings, project.name)
        journal.settle(db, settings)       # creations a killed process left half-made
    # Apache children of the last run that were killed: verify what they were writing.
    childwatch.verify_after_unclean_ends(settings)
    with site.unit_of_work() as db:
        trash.purge_expired(db, settings)
    return 0


def _remove_dead_transactions(settings, name: str) -> None:
    try:
        removed = remove_dead_transactions(settings, name)
    except RepositoryError as e:      # one repository must not keep the site down
        log.error("%s", e)
        return
    if removed:
        log.warning("removed %d dead transaction(s) of %s", removed, name)
