"""initdb / migrate: bring the database to the current schema, then the site in step
(devjavu/upkeep.py: authz files, hooks, Trac paths, leftovers, the trash). `serve` does
the same at every start."""
from devjavu import upkeep
from devjavu.cli.context import open_site


def register(commands) -> None:
    for name in ("initdb", "migrate"):
        parser = commands.add_parser(name, help="create or upgrade the database schema")
        parser.set_defaults(handler=migrate)


def migrate(settings, args) -> int:
    # Access files that fail are logged and shown by /_health: one project's must not
    # keep the others down, so they do not fail the command.
    upkeep.upgrade_and_bring_in_step(open_site(settings, require_current_schema=False))
    return 0
