"""The Trac data archive, format version 1: what `devjavu-admin project export --trac`
and the dashboard's download write, and what `project import-trac` reads (besides a tar
of a Trac 1.x environment directory).

A gzipped tar whose members sit below one folder, `<project>-trac/`:

    devjavu-trac.json        {"format": "devjavu-trac", "version": 1, "project": ...,
                              "exported_at": ..., "ticket_custom": {option: value}}
    tables/<table>.jsonl     one row of Trac's table a line: a JSON object, column: value
    files/attachments/...    the attachments' files, laid out as Trac lays them out

The tables are the TABLES below, with the columns of Trac 1.6's schema (trac/db_default.py)
and values as Trac stores them: times in microseconds since 1970 (UTC), text as text.
"ticket_custom" holds the project's [ticket-custom] options: the custom ticket fields
whose values the ticket_custom table holds. A reader refuses a version it does not know.
"""
import posixpath
from dataclasses import dataclass

from trac.attachment import Attachment
from trac.db_default import schema

FORMAT_NAME = "devjavu-trac"
FORMAT_VERSION = 1
MANIFEST = "devjavu-trac.json"
TABLES_DIR = "tables"
TABLE_SUFFIX = ".jsonl"
ATTACHMENTS_DIR = ("files", "attachments")
# What a Trac environment directory holds that an import reads: nothing else of it.
ENVIRONMENT_DATABASE = ("db", "trac.db")

INT64_RANGE = range(-2**63, 2**63)


class ArchiveError(ValueError):
    """An archive that cannot be read or imported; the message says why and is safe to
    show (it names what in the archive is wrong, never a path of this server)."""


@dataclass(frozen=True)
class TableSpec:
    name: str
    columns: tuple[str, ...]
    integer_columns: frozenset[str]
    key: tuple[str, ...]

    @property
    def member(self) -> str:
        return f"{TABLES_DIR}/{self.name}{TABLE_SUFFIX}"

    def key_of(self, row: tuple) -> tuple:
        return tuple(row[self.columns.index(column)] for column in self.key)


def _spec(name: str) -> TableSpec:
    table = next(table for table in schema if table.name == name)
    return TableSpec(name=name, columns=tuple(column.name for column in table.columns),
                     integer_columns=frozenset(column.name for column in table.columns
                                               if column.type.startswith("int")
                                               or column.auto_increment),
                     key=tuple(table.key))


# Parents before what refers to them: checks read them in this order.
TABLES = tuple(_spec(name) for name in (
    "ticket", "ticket_change", "ticket_custom", "wiki", "milestone", "component",
    "version", "enum", "report", "attachment"))
TABLES_BY_NAME = {spec.name: spec for spec in TABLES}


def attachment_path(root: str, realm: str, parent_id: str, filename: str) -> str:
    """Where Trac keeps an attachment's file below `root` (an environment's
    files/attachments): folders and a file name hashed from the parent and the name, so
    that no name in the database can lead anywhere else."""
    return Attachment._get_path(root, realm, parent_id, filename)


def attachment_member(realm: str, parent_id: str, filename: str) -> str:
    """An attachment's file's name in an archive, below its top folder."""
    return attachment_path(posixpath.join(*ATTACHMENTS_DIR), realm, parent_id, filename)
