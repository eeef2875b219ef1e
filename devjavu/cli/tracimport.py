"""project import-trac: an existing project's Trac data replaced by an archive's, our
own export or a tar of another Trac 1.x environment (devjavu/projects/tracdata.py).

The archive and the user map are the operator's files: opened before the command gives
up root for the run user, like a dump (devjavu/cli/history.py).
"""
import sys
from contextlib import ExitStack

from devjavu import audit
from devjavu.cli.context import changing
from devjavu.cli.errors import CommandError
from devjavu.projects import service, tracdata


def register(verbs) -> None:
    importer = verbs.add_parser(
        "import-trac", help="replace an existing project's Trac data (tickets, wiki, "
        "milestones, attachments, ...) by an archive's: `project export --trac`, or a "
        "tar(.gz) of a Trac 1.x environment directory")
    importer.add_argument("name")
    importer.add_argument("archive", metavar="ARCHIVE", help="the archive (`-`: standard "
                          "input)")
    importer.add_argument("--users", metavar="FILE", help="user names to map: `old new` "
                          "a line, new being an account here")
    importer.add_argument("--replace", action="store_true", help="replace the Trac data "
                          "the project has of its own (tickets, attachments, wiki edits)")
    importer.set_defaults(handler=import_trac)


def import_trac(settings, args) -> int:
    with ExitStack() as cleanup:
        try:
            archive = sys.stdin.buffer if args.archive == "-" else \
                cleanup.enter_context(open(args.archive, "rb"))
        except OSError as e:
            raise CommandError(f"cannot read {args.archive}: {e.strerror}") from None
        user_map = _read_text(args.users) if args.users else ""
        with changing(settings) as db:
            project = service.get_project(db, args.name)
            summary = tracdata.import_trac_data(db, settings, project, archive, user_map,
                                                replace=args.replace,
                                                ip=audit.COMMAND_LINE)
    print(f"Imported into the Trac of {args.name}: {summary}.")
    return 0


def _read_text(path: str) -> str:
    try:
        with open(path, "rb") as f:
            return f.read(2**20).decode("utf-8")
    except OSError as e:
        raise CommandError(f"cannot read {path}: {e.strerror}") from None
    except UnicodeDecodeError:
        raise CommandError(f"{path} is not UTF-8 text") from None
