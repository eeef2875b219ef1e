"""Writing checked Trac data into a project's Trac environment, all or nothing.

An import replaces the environment's tickets (with their changes and custom values),
wiki (every version), milestones, components, versions, ticket enums, reports and
attachments by those of the data; Trac's other tables (its cache of the repository,
sessions, permissions, notification subscriptions) stay. Every check (archive_checks.py)
passes before anything is written. The database changes are one Trac transaction, which
also brings the custom ticket fields the data needs into the project's trac.ini (put
back as it was if the transaction does not commit), and tells every process's Trac
that its cached ticket fields, milestones and page names changed. The attachments'
files wait in the staging folder, and replace the environment's only once the
transaction has committed; a failure before leaves the environment as it was.
"""
import os
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Callable, Iterable, Iterator

from trac.ticket.api import TicketSystem
from trac.ticket.model import MilestoneCache
from trac.wiki.api import WikiSystem
from trac.wiki.interwiki import InterWikiMap

from devjavu.fsutil import atomic_write
from devjavu.tracenv.archive_checks import CheckedData, check_trac_data
from devjavu.tracenv.archive_data import TracData, trac_data
from devjavu.tracenv.archive_format import TABLES, ArchiveError, attachment_path
from devjavu.tracenv.archive_reader import ArchiveLimits, unpack_archive
from devjavu.tracenv.config import update_project_ini
from devjavu.tracenv.create import TracEnvError
from devjavu.tracenv.opened import opened_environment
from devjavu.tracenv.usermap import user_mapper

INSERT_BATCH = 1000
# Trac's own pages (its guide, WikiStart) are written by "trac": editing one, or any
# other content, makes the data the project's own.
TRAC_AUTHOR = "trac"


class AttachmentsNotMoved(TracEnvError):
    """The data was committed, but the attachments' files could not follow (what the
    message says): the one failure that leaves a change behind."""


@dataclass(frozen=True)
class ImportResult:
    checked: CheckedData
    source: str

    def summary(self) -> str:
        return f"{self.checked.summary()} from {self.source}"


def import_archive(env_path: Path, archive: BinaryIO, user_names: dict[str, str],
                   replace: bool, staging: Path, limits: ArchiveLimits = ArchiveLimits(),
                   stop: Callable[[], str | None] = lambda: None) -> ImportResult:
    """Unpack the archive in `archive` into `staging` (an empty folder of this import's,
    removed by the caller; `limits` and `stop`: archive_reader.py) and import its data
    (`import_into_environment`)."""
    unpacked = unpack_archive(archive, staging / "unpacked", limits, stop)
    with trac_data(unpacked) as data:
        return import_into_environment(env_path, data, user_names, replace, staging)


def import_into_environment(env_path: Path, data: TracData, user_names: dict[str, str],
                            replace: bool, staging: Path) -> ImportResult:
    """Replace the Trac data of the environment at `env_path` by `data`, with
    `user_names` mapped (usermap.py). Unless `replace`, an environment with tickets,
    attachments or wiki edits of its own is refused. `staging` is a folder of this
    import's on the environment's file system. Raises ArchiveError, or TracEnvError;
    the environment is then unchanged."""
    with opened_environment(env_path) as env:
        if not replace:
            _refuse_own_data(env, env_path.name)
        checked = check_trac_data(data, env.config.getint("attachment", "max_size"))
        new_attachments = staging / "attachments"
        _stage_attachments(data, checked.attachments, new_attachments)
        current = dict(env.config.options("ticket-custom"))
        options = {("ticket-custom", option): value for option, value
                   in checked.ticket_custom.items() if current.get(option) != value}
        ini_path = env_path / "conf" / "trac.ini"
        ini_before = ini_path.read_text(encoding="utf-8")
        mapped = user_mapper(user_names)
        try:
            with env.db_transaction as db:
                cursor = db.cursor()
                for spec in TABLES:
                    db(f"DELETE FROM {db.quote(spec.name)}")
                    insert = (f"INSERT INTO {db.quote(spec.name)} "
                              f"({', '.join(map(db.quote, spec.columns))}) "
                              f"VALUES ({', '.join(['%s'] * len(spec.columns))})")
                    for batch in _batches(mapped(spec, row) for row in data.rows(spec)):
                        db.executemany(insert, batch)
                for table in ("ticket", "report"):
                    db.update_sequence(cursor, table)
                _tell_every_process(env)
                if options:
                    update_project_ini(ini_path, options)
        except BaseException:
            if ini_path.read_text(encoding="utf-8") != ini_before:
                atomic_write(ini_path, ini_before)
            raise
        _move_attachments_in(new_attachments, Path(env.attachments_dir))
    return ImportResult(checked=checked, source=data.description)


def _refuse_own_data(env, name: str) -> None:
    (tickets, attachments, edits), = env.db_query(
        "SELECT (SELECT COUNT(*) FROM ticket), (SELECT COUNT(*) FROM attachment), "
        "(SELECT COUNT(*) FROM wiki WHERE author IS NULL OR author != %s)", (TRAC_AUTHOR,))
    if tickets or attachments or edits:
        raise ArchiveError(
            f"The Trac of {name} has data of its own ({tickets} tickets, {attachments} "
            f"attachments, {edits} wiki edits), which an import replaces: ask for the "
            "replacement, or import into a new project.")


def _stage_attachments(data: TracData, keys: list[tuple[str, str, str]],
                       target: Path) -> None:
    """The files of the attachments in `keys` (checked), moved from where the archive
    was unpacked into a new tree laid out as the environment's files/attachments: only
    files the data refers to ever reach the environment."""
    target.mkdir(mode=0o700)
    for realm, parent_id, filename in keys:
        destination = Path(attachment_path(str(target), realm, parent_id, filename))
        destination.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.rename(attachment_path(str(data.attachments_root), realm, parent_id, filename),
                  destination)


def _batches(rows: Iterable[tuple]) -> Iterator[list[tuple]]:
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) == INSERT_BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _tell_every_process(env) -> None:
    """Invalidate, in the transaction, what Trac caches of the replaced tables: every
    process sees the new generation in the cache table at its next request."""
    del TicketSystem(env).fields
    del TicketSystem(env).custom_fields
    del MilestoneCache(env).milestones
    del WikiSystem(env).pages
    del InterWikiMap(env).interwiki_map


def _move_attachments_in(staged: Path, attachments_dir: Path) -> None:
    """The staged attachments take the place of the environment's (after the commit)."""
    attachments_dir.parent.mkdir(mode=0o700, exist_ok=True)
    replaced = attachments_dir.with_name(f".attachments-replaced-{uuid.uuid4().hex}")
    had_attachments = attachments_dir.exists()
    if had_attachments:
        os.rename(attachments_dir, replaced)
    try:
        shutil.move(staged, attachments_dir)
    except OSError as e:
        if had_attachments:
            os.rename(replaced, attachments_dir)
        raise AttachmentsNotMoved(f"The imported data is in Trac, but its attachments' "
                                  f"files could not be moved in: {e}") from e
    shutil.rmtree(replaced, ignore_errors=True)
