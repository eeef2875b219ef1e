"""Another Trac 1.x environment's database (its db/trac.db, SQLite), read as data.

It is opened read-only and immutable (SQLite neither writes nor locks it, nor reads a
journal beside it), with its schema untrusted (no function of its views or triggers
runs), and only its tables are read, by name, never its views. It is never opened as a
Trac environment: its trac.ini, plugins/ and templates are never read, so nothing of it
runs here. Its custom ticket fields are therefore unknown; each name in its ticket_custom
table becomes a text field.
"""
import sqlite3
from pathlib import Path
from typing import Iterator

from trac.upgrades.db44 import replace_sql_fragment

from devjavu.tracenv.archive_format import ArchiveError, TableSpec
from devjavu.tracenv.archive_rows import checked_row

# Trac 1.0 wrote database version 29, Trac 1.6 writes 45.
TRAC_1_DATABASE_VERSIONS = range(29, 46)
# Before version 44 the default reports name a column that the enum table's new
# description column makes ambiguous; Trac's own upgrade fixes these, and so does this.
ENUM_DESCRIPTION_VERSION = 44
DEFAULT_REPORTS_FIXED = (1, 2, 3, 4, 5, 7, 8)
WHERE = "db/trac.db"


class ForeignDatabase:
    def __init__(self, path: Path, description_of_source: str = "a Trac environment"):
        self._cnx = sqlite3.connect(f"{path.as_uri()}?mode=ro&immutable=1", uri=True)
        self._cnx.text_factory = bytes          # decoded here, strictly
        try:
            self._cnx.execute("PRAGMA trusted_schema = OFF")
            self._cnx.execute("PRAGMA query_only = ON")
            kinds = {_text(name): _text(kind) for name, kind in self._cnx.execute(
                "SELECT name, type FROM sqlite_master")}
            if kinds.get("system") != "table":
                raise ArchiveError(f"{WHERE} is not a Trac database (no system table).")
            version = self._cnx.execute(
                "SELECT value FROM system WHERE name = 'database_version'").fetchone()
        except sqlite3.DatabaseError as e:
            self._cnx.close()
            raise ArchiveError(f"{WHERE} is not an SQLite database Trac wrote: {e}.") \
                from None
        except ArchiveError:
            self._cnx.close()
            raise
        self.version = _version(version)
        self.description = f"{description_of_source} (database version {self.version})"
        self._kinds = kinds

    def close(self) -> None:
        self._cnx.close()

    def _columns(self, spec: TableSpec) -> list[str]:
        if self._kinds.get(spec.name) != "table":
            raise ArchiveError(f"{WHERE} has no {spec.name} table.")
        present = {_text(row[1]) for row in self._cnx.execute(
            f"PRAGMA table_info({_quoted(spec.name)})")}
        missing_keys = [column for column in spec.key if column not in present]
        if missing_keys:
            raise ArchiveError(f"{WHERE}: the {spec.name} table has no "
                               f"{', '.join(missing_keys)} column.")
        return [column for column in spec.columns if column in present]

    def rows(self, spec: TableSpec) -> Iterator[tuple]:
        """The checked rows of `spec`'s table; a column an older Trac did not have
        (enum.description) is empty."""
        columns = self._columns(spec)
        query = (f"SELECT {', '.join(map(_quoted, columns))} FROM {_quoted(spec.name)} "
                 f"ORDER BY {', '.join(map(_quoted, spec.key))}")
        try:
            for number, raw in enumerate(self._cnx.execute(query), start=1):
                where = f"{WHERE}, {spec.name} row {number}"
                values = dict.fromkeys(spec.columns)
                values.update(zip(columns, (_decoded(value, where) for value in raw)))
                if spec.name == "report":
                    self._fix_default_report(values)
                yield checked_row(spec, values, where)
        except sqlite3.DatabaseError as e:
            raise ArchiveError(f"{WHERE} cannot be read: {e}.") from None

    def _fix_default_report(self, values: dict) -> None:
        if (self.version < ENUM_DESCRIPTION_VERSION and values["id"] in DEFAULT_REPORTS_FIXED
                and isinstance(values["query"], str)):
            values["query"] = replace_sql_fragment(values["query"]) or values["query"]

    def ticket_custom(self) -> dict[str, str]:
        """The custom fields its tickets have values of, as [ticket-custom] options."""
        try:
            names = [_decoded(name, f"{WHERE}, ticket_custom") for name, in
                     self._cnx.execute("SELECT DISTINCT name FROM ticket_custom")]
        except sqlite3.DatabaseError as e:
            raise ArchiveError(f"{WHERE} cannot be read: {e}.") from None
        return {name: "text" for name in names if isinstance(name, str)}


def _quoted(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _text(value) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _decoded(value, where: str):
    if isinstance(value, bytes):
        try:
            return value.decode("utf-8")
        except UnicodeDecodeError:
            raise ArchiveError(f"{where}: holds text that is not UTF-8.") from None
    return value


def _version(row) -> int:
    try:
        version = int(_decoded(row[0], WHERE)) if row else None
    except (TypeError, ValueError):
        version = None
    if version not in TRAC_1_DATABASE_VERSIONS:
        raise ArchiveError(f"{WHERE} is not the database of a Trac 1.x environment "
                           f"(its version is {version}; Trac 1.0 to 1.6 write "
                           f"{TRAC_1_DATABASE_VERSIONS.start} to "
                           f"{TRAC_1_DATABASE_VERSIONS.stop - 1}).")
    return version
