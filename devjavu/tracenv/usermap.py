"""User names of another Trac mapped to this site's accounts as Trac data is imported.

A map is text, one `old new` pair a line (blank lines and lines starting with `#` are
skipped): wherever Trac keeps a user name (a ticket's reporter, owner and cc, the author
of a change, a wiki version, an attachment or a report, a component's owner, and owner,
reporter and cc changes in a ticket's history), `old` becomes `new`. Names the map does
not mention are kept as they are.
"""
import re
from typing import Callable

from devjavu.freetext import has_control_characters
from devjavu.tracenv.archive_format import TableSpec

MAX_MAP_LINES = 10_000
USER_COLUMNS = {"ticket": ("owner", "reporter"), "ticket_change": ("author",),
                "wiki": ("author",), "attachment": ("author",), "component": ("owner",),
                "report": ("author",)}
CC_COLUMNS = {"ticket": ("cc",)}
# Changes of these ticket fields hold user names in oldvalue and newvalue.
USER_FIELDS, CC_FIELD = ("owner", "reporter"), "cc"
_CC_SEPARATORS = re.compile(r"([,\s]+)")


class UserMapError(ValueError):
    """A map that cannot be read; the message names the line."""


def parse_user_map(text: str) -> dict[str, str]:
    names: dict[str, str] = {}
    lines = text.splitlines()
    if len(lines) > MAX_MAP_LINES:
        raise UserMapError(f"A user map may have at most {MAX_MAP_LINES} lines.")
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        words = line.split()
        if len(words) != 2 or has_control_characters(line, frozenset("\t")):
            raise UserMapError(f"Line {number} of the user map is not `old new`: "
                               f"{line[:80]!r}.")
        old, new = words
        if old in names:
            raise UserMapError(f"Line {number} of the user map maps {old!r} again.")
        names[old] = new
    return names


def user_mapper(names: dict[str, str]) -> Callable[[TableSpec, tuple], tuple]:
    """A function giving a row of a table with `names` mapped."""
    def one(name):
        return names.get(name, name)

    def many(cc):
        if not cc:
            return cc
        return "".join(part if index % 2 else one(part)
                       for index, part in enumerate(_CC_SEPARATORS.split(cc)))

    def mapped(spec: TableSpec, row: tuple) -> tuple:
        if not names:
            return row
        values = dict(zip(spec.columns, row))
        for column in USER_COLUMNS.get(spec.name, ()):
            values[column] = one(values[column])
        for column in CC_COLUMNS.get(spec.name, ()):
            values[column] = many(values[column])
        if spec.name == "ticket_change" and values["field"] in (*USER_FIELDS, CC_FIELD):
            change = one if values["field"] in USER_FIELDS else many
            values["oldvalue"] = change(values["oldvalue"])
            values["newvalue"] = change(values["newvalue"])
        return tuple(values[column] for column in spec.columns)
    return mapped
