"""project import|export: a project's repository history in and out as a dump (imports
from a URL: devjavu/cli/urlimport.py), and its Trac data out as an archive (in:
devjavu/cli/tracimport.py).

Files named on the command line are the operator's: they are opened before the command
gives up root for the run user (devjavu/cli/context.py), so that neither side needs the
other's rights. A repository named with --repo is read as the run user.
"""
import sys
import time
from contextlib import ExitStack
from pathlib import Path
from typing import BinaryIO, Callable, Iterator

from devjavu import audit
from devjavu.cli import tracimport, urlimport
from devjavu.cli.answer import in_child
from devjavu.cli.context import SERVICE_ERRORS, open_site
from devjavu.cli.errors import CommandError
from devjavu.fsutil import directory_size, written_whole
from devjavu.projects import importing, service, staging, tracdata
from devjavu.svn import dumps
from devjavu.tarwriter import MemberSizeError
from devjavu.tracenv import TracEnvError

GZIP_SUFFIX = ".gz"
TRAC_EXPORT_ERRORS = (TracEnvError, MemberSizeError)


def register(verbs) -> None:
    """Adds `import` and `export` to the `project` command's verbs."""
    importer = verbs.add_parser("import", help="create a project with the history of a "
                                "dump (plain, gzip or bzip2) or of a repository on this "
                                "server")
    importer.add_argument("name")
    importer.add_argument("--owner", required=True)
    source = importer.add_mutually_exclusive_group(required=True)
    source.add_argument("--dump", metavar="FILE", help="an `svnadmin dump` file")
    source.add_argument("--repo", metavar="PATH", help="a repository on this server")
    source.add_argument("--url", metavar="URL", help="a live repository (http, https, "
                        "svn) copied with svnsync")
    importer.add_argument("--private", action="store_true")
    importer.add_argument("--description", default="")
    urlimport.add_url_options(importer)
    importer.set_defaults(handler=import_project)
    urlimport.register_verbs(verbs)

    exporter = verbs.add_parser("export", help="write a project's repository history "
                                "as a dump, or its Trac data as an archive")
    exporter.add_argument("name")
    what = exporter.add_mutually_exclusive_group(required=True)
    what.add_argument("--dump", metavar="FILE",
                      help=f"the history as a dump (`-`: standard output; a name ending "
                           f"in {GZIP_SUFFIX} is gzipped)")
    what.add_argument("--trac", metavar="FILE",
                      help="the Trac data (tickets, wiki, milestones, attachments, ...) as "
                           "a tar.gz archive (`-`: standard output)")
    exporter.set_defaults(handler=export_project)
    tracimport.register(verbs)

class _RevisionPrinter:
    """The revision reached, on stderr, at most once a second."""

    def __init__(self, name: str):
        self.name, self.shown_at = name, 0.0

    def __call__(self, revision: int) -> None:
        if time.monotonic() - self.shown_at >= 1:
            self.shown_at = time.monotonic()
            print(f"{self.name}: loaded revision {revision}", file=sys.stderr, flush=True)


def import_project(settings, args) -> int:
    if args.url:
        return urlimport.import_from_url(settings, args)
    with ExitStack() as cleanup:
        if args.dump:
            try:
                stream = cleanup.enter_context(open(args.dump, "rb"))
            except OSError as e:
                raise CommandError(f"cannot read {args.dump}: {e.strerror}") from None
            needed, source = staging.estimated_bytes(stream), "a dump file"
        site = open_site(settings)
        if args.repo:
            try:
                stream = dumps.dump_repository_path(Path(args.repo))
            except dumps.DumpError as e:
                raise CommandError(e) from None
            needed, source = directory_size(Path(args.repo)), f"repository {args.repo}"
        try:
            youngest = importing.import_project(
                site, args.name, args.owner, stream, source, needed_bytes=needed,
                private=args.private, description=args.description,
                ip=audit.COMMAND_LINE, progress=_RevisionPrinter(args.name))
        except SERVICE_ERRORS as e:
            raise CommandError(e) from None
    print(f"Imported project {args.name} with {youngest} revisions: Trac at "
          f"/{args.name}/, Subversion at /svn/{args.name}")
    return 0


def export_project(settings, args) -> int:
    if args.trac:
        return _export(settings, args.name, args.trac, TRAC_EXPORT_ERRORS,
                       lambda name: tracdata.export_trac_data(settings, name))
    return _export(settings, args.name, args.dump, (dumps.DumpError,),
                   lambda name: dumps.dump_chunks(settings.repository_path(name),
                                                  compress=args.dump.endswith(GZIP_SUFFIX)))


def _export(settings, name: str, target: str, errors: tuple,
            chunks_of: Callable[[str], Iterator[bytes]]) -> int:
    """Write the chunks `chunks_of` gives for project `name` (as it is spelt) to the file
    `target` (`-`: standard output), whole or not at all: a failure (one of `errors`, or
    of the disk) leaves no file, and a file that was there as it was. The file is made
    and put in place by this process as who runs it (root may write where the run user
    may not); the data is read by a child as the run user."""
    if target == "-":
        return _write_export(settings, name, sys.stdout.buffer, errors, chunks_of)
    path = Path(target).absolute()
    with written_whole(path) as out:
        code = in_child(lambda: _write_export(settings, name, out, errors, chunks_of,
                                              where=path.parent), settings)
        if code != 0:
            raise SystemExit(code)          # the child said why; the file goes
    print(f"Exported {name} to {target}.", file=sys.stderr)
    return 0


def _write_export(settings, name: str, out: BinaryIO, errors: tuple,
                  chunks_of: Callable[[str], Iterator[bytes]],
                  where: Path | None = None) -> int:
    """The export itself, as the run user; a failed write names `where` (the folder)."""
    site = open_site(settings)
    with site.reading() as db:
        try:
            name = service.get_project(db, name).name
        except SERVICE_ERRORS as e:
            raise CommandError(e) from None
    try:
        for chunk in chunks_of(name):
            out.write(chunk)
    except errors as e:
        raise CommandError(f"the export of {name} failed ({e}); nothing was written") \
            from None
    except OSError as e:
        if e.filename is None and where is not None:
            raise OSError(e.errno, e.strerror, str(where)) from None
        raise
    out.flush()
    return 0
