"""Rows of Trac's tables as an import reads them, from an archive's JSON lines (or, in
foreign_database.py, from another environment's database): each one checked against its
table's columns and types before anything uses it.

Text is decoded strictly: bytes that are not UTF-8, a JSON escape of half a surrogate
pair, a NUL character, a key given twice or a number that is not a whole one refuse the
archive, naming the line.
"""
import json
from pathlib import Path
from typing import Iterator

from devjavu.tracenv.archive_format import INT64_RANGE, ArchiveError, TableSpec


def checked_row(spec: TableSpec, values: dict, where: str) -> tuple:
    """`values` (column: value) as a row of `spec`'s table, in its columns' order."""
    if set(values) != set(spec.columns):
        missing = sorted(set(spec.columns) - set(values))
        unknown = sorted(set(values) - set(spec.columns))
        raise ArchiveError(f"{where}: " + "; ".join(
            part for part in (missing and f"missing {', '.join(missing)}",
                              unknown and f"unknown {', '.join(unknown)}") if part) + ".")
    for column in spec.columns:
        value = values[column]
        if value is None:
            if column in spec.key:
                raise ArchiveError(f"{where}: {column} is empty.")
        elif column in spec.integer_columns:
            if type(value) is not int or value not in INT64_RANGE:
                raise ArchiveError(f"{where}: {column} is not a whole number.")
        elif type(value) is not str:
            raise ArchiveError(f"{where}: {column} is not text.")
        elif "\0" in value or not _encodable(value):
            raise ArchiveError(f"{where}: {column} is not valid text.")
    return tuple(values[column] for column in spec.columns)


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:         # half a surrogate pair
        return False
    return True


class _DuplicateKey(ValueError):
    pass


def _unique_keys(pairs: list) -> dict:
    values = dict(pairs)
    if len(values) != len(pairs):
        raise _DuplicateKey("a key is given twice")
    return values


def _no_constant(name: str):
    raise ValueError(f"{name} is not a number")


def json_rows(path: Path, spec: TableSpec, line_bytes: int) -> Iterator[tuple]:
    """The checked rows of the JSON lines file at `path` (the archive's `spec.member`);
    no line may be longer than `line_bytes`."""
    with open(path, "rb") as lines:
        number = 0
        while line := lines.readline(line_bytes + 1):
            number += 1
            where = f"{spec.member} line {number}"
            if len(line) > line_bytes:
                raise ArchiveError(f"{where} is longer than {line_bytes // 2**20} MiB, "
                                   "this site's limit.")
            try:
                values = json.loads(line.decode("utf-8"), object_pairs_hook=_unique_keys,
                                    parse_constant=_no_constant)
            except UnicodeDecodeError:
                raise ArchiveError(f"{where} is not UTF-8 text.") from None
            except ValueError as e:
                raise ArchiveError(f"{where} is not a JSON object: {e}.") from None
            if not isinstance(values, dict):
                raise ArchiveError(f"{where} is not a JSON object.")
            yield checked_row(spec, values, where)
