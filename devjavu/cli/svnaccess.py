"""authz regenerate: rewrite the Subversion access files (each project's, and the groups
file naming the site admins) from the database."""
import logging
from contextlib import contextmanager
from typing import Iterator

from devjavu.authz import install
from devjavu.cli.context import open_site
from devjavu.cli.errors import CommandError


def register(commands) -> None:
    parser = commands.add_parser("authz", help="Subversion access files")
    verbs = parser.add_subparsers(dest="verb", metavar="VERB", required=True)
    verbs.add_parser("regenerate", help="rewrite the authz files from the database"
                     ).set_defaults(handler=regenerate)


def regenerate(settings, args) -> int:
    site = open_site(settings)
    with _reasons_of("devjavu.authz") as reasons, site.reading() as db:
        failed = install.regenerate_all(db, settings)
    if failed:
        raise CommandError(f"authz not updated for: {', '.join(failed)} "
                           "(those projects refuse every svn request, and a failed groups "
                           "file keeps its previous version, until this succeeds): "
                           f"{'; '.join(reasons)}")
    print("authz files are in step with the database.")
    return 0


class _Collector(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def _reasons_of(logger_name: str) -> Iterator[list[str]]:
    """What `logger_name` reports meanwhile, collected instead of printed: the command's
    one line carries it."""
    logger = logging.getLogger(logger_name)
    collector = _Collector()
    logger.addHandler(collector)
    propagate, logger.propagate = logger.propagate, False
    try:
        yield collector.messages
    finally:
        logger.removeHandler(collector)
        logger.propagate = propagate
