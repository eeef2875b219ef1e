"""authz regenerate: rewrite every project's Subversion access file from the database."""
from devjavu import authz
from devjavu.cli.context import open_site
from devjavu.cli.errors import CommandError


def register(commands) -> None:
    parser = commands.add_parser("authz", help="Subversion access files")
    verbs = parser.add_subparsers(dest="verb", metavar="VERB", required=True)
    verbs.add_parser("regenerate", help="rewrite every project's authz file"
                     ).set_defaults(handler=regenerate)


def regenerate(settings, args) -> int:
    site = open_site(settings)
    with site.reading() as db:
        failed = authz.regenerate_all(db, settings)
    if failed:
        raise CommandError(f"authz not updated for: {', '.join(failed)} "
                           "(the previous files stay in place; see the log above)")
    print("authz files are in step with the database.")
    return 0
