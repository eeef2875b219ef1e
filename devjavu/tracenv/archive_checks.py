"""Everything an import checks of Trac data before it writes anything: each table's keys
are unique, what refers to a ticket, page or milestone finds it, names are names Trac
itself would take (wiki page names, attachment file names, custom field names and
options), and every attachment's file is in the archive, of the size its row says, and
no larger than the project's Trac takes."""
import os
import re
import stat
from dataclasses import dataclass, field

from trac.ticket.api import TicketSystem
from trac.util import normalize_filename
from trac.wiki.api import validate_page_name

from devjavu.tracenv.archive_data import TracData
from devjavu.tracenv.archive_format import (TABLES, TABLES_BY_NAME, ArchiveError,
                                            attachment_path)
from devjavu.tracenv.config import ConfigValueError, check_config_value

REALMS = ("ticket", "wiki", "milestone")
ENUM_TYPES = ("priority", "resolution", "severity", "ticket_type")
CUSTOM_FIELD_TYPES = ("text", "checkbox", "select", "radio", "textarea", "time")
CUSTOM_FIELD_ATTRIBUTES = ("label", "value", "options", "order", "format", "max_size",
                           "rows", "ticketlink_query")
# As trac.ticket.api.TicketSystem.custom_fields takes them (option names are lower case).
_CUSTOM_FIELD_NAME = re.compile(r"[a-z][a-z0-9_]+\Z")
_NOT_CUSTOM = {*TicketSystem.reserved_field_names, *TABLES_BY_NAME["ticket"].columns}
_TICKET_ID = re.compile(r"[1-9][0-9]*\Z")


@dataclass
class CheckedData:
    counts: dict[str, int] = field(default_factory=dict)
    pages: int = 0
    attachments: list[tuple[str, str, str]] = field(default_factory=list)
    ticket_custom: dict[str, str] = field(default_factory=dict)

    def summary(self) -> str:
        counts = self.counts
        return (f"{counts['ticket']} tickets ({counts['ticket_change']} changes), "
                f"{self.pages} wiki pages ({counts['wiki']} versions), "
                f"{counts['milestone']} milestones, {counts['component']} components, "
                f"{counts['version']} versions, {counts['report']} reports and "
                f"{counts['attachment']} attachments")


def check_trac_data(data: TracData, max_attachment_bytes: int) -> CheckedData:
    """Check all of `data` (see above); `max_attachment_bytes` below 0 is no limit.
    Raises ArchiveError at the first fault."""
    checked = CheckedData()
    rules = _Rules(data, max_attachment_bytes)
    for spec in TABLES:
        check = getattr(rules, spec.name)
        seen: set = set()
        for row in data.rows(spec):
            key = spec.key_of(row)
            where = f"{spec.name} {', '.join(map(repr, key))}"[:300]
            if key in seen:
                raise ArchiveError(f"{where} is in the archive twice.")
            seen.add(key)
            check(dict(zip(spec.columns, row)), where)
        rules.learn(spec.name, seen)
        checked.counts[spec.name] = len(seen)
    checked.pages = len(rules.pages)
    checked.attachments = sorted(rules.attachments)
    checked.ticket_custom = checked_custom_fields(data.ticket_custom())
    return checked


class _Rules:
    """The checks of each table's rows, a method a table. Those of a table see the keys
    of the tables checked before it (archive_format.TABLES: parents first)."""

    def __init__(self, data: TracData, max_attachment_bytes: int):
        self.data, self.max_attachment_bytes = data, max_attachment_bytes
        self.tickets: set[int] = set()
        self.pages: set[str] = set()
        self.milestones: set[str] = set()
        self.attachments: set[tuple[str, str, str]] = set()

    def learn(self, table: str, keys: set[tuple]) -> None:
        if table == "ticket":
            self.tickets = {ticket for ticket, in keys}
        elif table == "wiki":
            self.pages = {name for name, _version in keys}
        elif table == "milestone":
            self.milestones = {name for name, in keys}
        elif table == "attachment":
            self.attachments = keys

    def ticket(self, row, where):
        _require(row["id"] > 0, where, "its id is not a positive number")

    def ticket_change(self, row, where):
        _require(row["ticket"] in self.tickets, where, "its ticket is not in the archive")

    def ticket_custom(self, row, where):
        self.ticket_change(row, where)
        _require(_is_custom_field_name(row["name"]), where,
                 "its name is not one of a custom ticket field")

    def wiki(self, row, where):
        _require(validate_page_name(row["name"]), where, "its name is not a wiki page name")
        _require(row["version"] > 0, where, "its version is not a positive number")

    def milestone(self, row, where):
        _require(row["name"].strip() != "", where, "its name is empty")

    component = version = milestone

    def enum(self, row, where):
        _require(row["type"] in ENUM_TYPES, where,
                 f"its type is not one of {', '.join(ENUM_TYPES)}")
        self.milestone(row, where)

    report = ticket

    def attachment(self, row, where):
        realm, parent, filename = row["type"], row["id"], row["filename"]
        _require(realm in REALMS, where, f"it is not attached to a {', '.join(REALMS)}")
        if realm == "ticket":
            found = bool(_TICKET_ID.match(parent)) and int(parent) in self.tickets
        else:
            found = parent in (self.pages if realm == "wiki" else self.milestones)
        _require(found, where, f"its {realm} is not in the archive")
        _require(filename not in (".", "..") and normalize_filename(filename) == filename,
                 where, "its file name is not one Trac gives attachments")
        _check_attachment_file(self.data, row, where, self.max_attachment_bytes)


def _check_attachment_file(data: TracData, row: dict, where: str, limit: int) -> None:
    path = attachment_path(str(data.attachments_root), row["type"], row["id"],
                           row["filename"])
    try:
        status = os.lstat(path)
    except FileNotFoundError:
        raise ArchiveError(f"{where}: its file is not in the archive.") from None
    _require(stat.S_ISREG(status.st_mode), where, "its file is not a file")
    _require(status.st_size == row["size"], where,
             f"its file has {status.st_size} bytes, not {row['size']}")
    _require(limit < 0 or status.st_size <= limit, where,
             f"its file is larger than this project's attachment limit ({limit} bytes)")


def _require(condition, where: str, fault: str) -> None:
    if not condition:
        raise ArchiveError(f"{where}: {fault}.")


def _is_custom_field_name(name: str) -> bool:
    return bool(_CUSTOM_FIELD_NAME.match(name)) and name not in _NOT_CUSTOM


def checked_custom_fields(options: dict[str, str]) -> dict[str, str]:
    """[ticket-custom] options that define custom ticket fields and nothing else, each
    value one a project's trac.ini may hold. Raises ArchiveError."""
    for option, value in options.items():
        name, dot, attribute = option.partition(".")
        where = f"custom ticket field option {option[:80]!r}"
        _require(_is_custom_field_name(name), where, "not a custom field's name")
        _require(not dot or attribute in CUSTOM_FIELD_ATTRIBUTES, where,
                 f"not one of {', '.join(CUSTOM_FIELD_ATTRIBUTES)}")
        _require(dot or value in CUSTOM_FIELD_TYPES, where,
                 f"its type is not one of {', '.join(CUSTOM_FIELD_TYPES)}")
        _require(name in options, where, "its field has no type")
        try:
            check_config_value(value)
        except ConfigValueError as e:
            raise ArchiveError(f"{where}: {e}") from None
    return dict(options)
