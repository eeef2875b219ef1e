"""Writing a project's Trac data as an archive (devjavu/tracenv/archive_format.py), as a
stream of gzipped chunks: for a download or a file, never whole in memory.

The tables are read first, through Trac's database API, each into a temporary file (the
tar header of a member needs its size), so that no read stays open on Trac's database
while a slow client takes the stream. They are read children first (attachments, then
ticket changes and custom values, then tickets): a row added meanwhile can then only be
a parent without its children, never a child whose parent the archive lacks.
"""
import errno
import json
import os
import stat
import tempfile
import time
from contextlib import ExitStack
from datetime import datetime, timezone
from pathlib import Path
from typing import BinaryIO, Iterable, Iterator

import trac

from devjavu.tarwriter import TarGzWriter
from devjavu.tracenv.archive_format import (FORMAT_NAME, FORMAT_VERSION, MANIFEST, TABLES,
                                            TABLES_BY_NAME, TableSpec, attachment_member,
                                            attachment_path)
from devjavu.tracenv.opened import opened_environment

CHUNK_BYTES = 1 << 20
# Tables smaller than this stay in memory on their way into the archive.
SPOOL_BYTES = 1 << 20
ATTACHMENT = TABLES_BY_NAME["attachment"]


def archive_chunks(env_path: Path, project: str) -> Iterator[bytes]:
    """The Trac data of the environment at `env_path` (project `project`) as a gzipped
    tar, chunk by chunk. Raises TracEnvError if the environment cannot be opened, and
    tarwriter.MemberSizeError if an attachment changed while it was read (what was sent
    is then no valid archive, and an import refuses it)."""
    top = f"{project}-trac"
    writer = TarGzWriter()
    with opened_environment(env_path) as env, ExitStack() as files:
        attachments = list(_rows(env, ATTACHMENT))
        tables = [(spec, files.enter_context(_spooled(spec, _rows(env, spec))))
                  for spec in reversed(TABLES) if spec is not ATTACHMENT]
        manifest = json.dumps({
            "format": FORMAT_NAME, "version": FORMAT_VERSION, "project": project,
            "exported_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "trac": trac.__version__, "database_version": env.database_version,
            "ticket_custom": dict(env.config.options("ticket-custom")),
        }, indent=1).encode("utf-8")
        now = time.time()
        yield from writer.member(f"{top}/{MANIFEST}", len(manifest), now, [manifest])
        for spec, spooled in reversed(tables):
            yield from _table_member(writer, top, spec, spooled, now)
        kept = []
        for row in attachments:
            realm, parent_id, filename, _size, when = row[:5]
            try:
                source = _open_regular_file(attachment_path(env.attachments_dir, realm,
                                                            parent_id, filename))
            except FileNotFoundError:
                continue      # deleted since the table was read: left out with its row
            with source:
                size = os.fstat(source.fileno()).st_size
                yield from writer.member(f"{top}/{attachment_member(realm, parent_id, filename)}",
                                         size, (when or 0) / 1e6, _chunks(source))
            kept.append((*row[:3], size, *row[4:]))    # the size of the file it carries
        with _spooled(ATTACHMENT, kept) as spooled:
            yield from _table_member(writer, top, ATTACHMENT, spooled, now)
    yield from writer.end()


def _rows(env, spec: TableSpec) -> Iterator[tuple]:
    with env.db_query as db:
        columns = ", ".join(db.quote(column) for column in spec.columns)
        key = ", ".join(db.quote(column) for column in spec.key)
        cursor = db.cursor()
        cursor.execute(f"SELECT {columns} FROM {db.quote(spec.name)} ORDER BY {key}")
        yield from cursor


def _spooled(spec: TableSpec, rows: Iterable[tuple]) -> tempfile.SpooledTemporaryFile:
    """The rows as JSON lines in a temporary file, read to its end (the whole query is
    done with by then)."""
    spooled = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)
    try:
        for row in rows:
            spooled.write(json.dumps(dict(zip(spec.columns, row)), ensure_ascii=False,
                                     separators=(",", ":")).encode("utf-8") + b"\n")
    except BaseException:
        spooled.close()
        raise
    return spooled


def _table_member(writer: TarGzWriter, top: str, spec: TableSpec, spooled,
                  mtime: float) -> Iterator[bytes]:
    size = spooled.tell()
    spooled.seek(0)
    yield from writer.member(f"{top}/{spec.member}", size, mtime, _chunks(spooled))


def _open_regular_file(path: str) -> BinaryIO:
    """The file at `path`, never through a link; FileNotFoundError unless it is a
    regular file."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as e:
        if e.errno == errno.ELOOP:
            raise FileNotFoundError(path) from None
        raise
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise FileNotFoundError(path)
    return os.fdopen(fd, "rb")


def _chunks(source: BinaryIO) -> Iterator[bytes]:
    return iter(lambda: source.read(CHUNK_BYTES), b"")
