"""authz regenerate: rewrite the Subversion access files (each project's, and the groups
file naming the site admins) from the database."""
from devjavu import authz
from devjavu.cli.context import open_site
from devjavu.cli.errors import CommandError


def register(commands) -> None:
    parser = commands.add_parser("authz", help="Subversion access files")
    verbs = parser.add_subparsers(dest="verb", metavar="VERB", required=True)
    verbs.add_parser("regenerate", help="rewrite the authz files from the database"
                     ).set_defaults(handler=regenerate)


def regenerate(settings, args) -> int:
    site = open_site(settings)
    with site.reading() as db:
        failed = authz.regenerate_all(db, settings)
    if failed:
        raise CommandError(f"authz not updated for: {', '.join(failed)} "
                           "(those projects refuse every svn request, and a failed groups "
                           "file keeps its previous version, until this succeeds; see the "
                           "log above)")
    print("authz files are in step with the database.")
    return 0
