"""Unpacking an archive of Trac data that nobody vouches for: a project owner's upload,
an operator's file from another server.

The archive is a tar (plain, gzip or bzip2) holding either our own export
(archive_format.py) or a Trac environment directory, directly or below one top folder.
It is read as a stream, member by member, and every member is checked before anything
of it is written: a name that leaves the target (`..`, an absolute path, control
characters), a link, a hard link, a device, a FIFO or a sparse file refuses the whole
archive, wherever it stands in it. Only what an import reads is written, each file
created anew below the staging folder: the export's manifest and tables, or the
environment's db/trac.db, and the attachments' files. The rest (trac.ini, plugins/,
templates/, htdocs/, logs) is read past and never touched. The limits bound what the
stream may unpack to, how many members it may have and how large the database may be,
so that a small compressed upload cannot fill the disk or take the time of a large one.
"""
import tarfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Callable

from devjavu.compression import DECOMPRESSION_ERRORS, decompressed
from devjavu.tarsafety import plain_relative_name, write_new_file
from devjavu.tracenv.archive_format import (ATTACHMENTS_DIR, ENVIRONMENT_DATABASE, MANIFEST,
                                            TABLES, ArchiveError)

EXPORT = "export"
ENVIRONMENT = "environment"
CHUNK_BYTES = 1 << 20
_TABLE_MEMBERS = {tuple(spec.member.split("/")) for spec in TABLES}


@dataclass(frozen=True)
class ArchiveLimits:
    unpacked_bytes: int = 4 * 2**30        # the tar stream, decompressed
    members: int = 200_000
    database_bytes: int = 2**30            # a Trac environment's db/trac.db
    line_bytes: int = 16 * 2**20           # a row of a table (a wiki page's text, say)


@dataclass(frozen=True)
class UnpackedArchive:
    root: Path
    kind: str                              # EXPORT or ENVIRONMENT
    limits: ArchiveLimits


class _Bounded:
    """Reads `stream` up to `limit` bytes; one more is an ArchiveError."""

    def __init__(self, stream: BinaryIO, limit: int):
        self._stream, self._left, self._limit = stream, limit, limit

    def read(self, size: int = -1) -> bytes:
        data = self._stream.read(CHUNK_BYTES if size is None or size < 0 else size)
        self._left -= len(data)
        if self._left < 0:
            raise ArchiveError(f"The archive unpacks to more than "
                               f"{self._limit // 2**20} MiB, this site's limit.")
        return data


def unpack_archive(stream: BinaryIO, target: Path, limits: ArchiveLimits = ArchiveLimits(),
                   stop: Callable[[], str | None] = lambda: None) -> UnpackedArchive:
    """Unpack what an import reads of the archive in `stream` below `target` (made here,
    0700). `stop()` is asked after each file and ends the unpacking with its answer (a
    disk reaching its reserve). Raises ArchiveError; what was written by then stays
    below `target`, for the caller to remove."""
    target.mkdir(mode=0o700)
    plain = _Bounded(decompressed(stream, CHUNK_BYTES), limits.unpacked_bytes)
    top = None
    try:
        with tarfile.open(fileobj=plain, mode="r|") as archive:
            for count, member in enumerate(archive, start=1):
                if count > limits.members:
                    raise ArchiveError(f"The archive holds more than {limits.members} "
                                       "files and folders, this site's limit.")
                place = _checked_place(member, limits)
                if place is None:
                    continue
                member_top, parts = place
                if top is not None and member_top != top:
                    raise ArchiveError(f"The archive holds the data of more than one Trac "
                                       f"({top or 'its top'} and {member_top or 'its top'}"
                                       ")")
                top = member_top
                path = target.joinpath(*parts)
                path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
                try:
                    write_new_file(path, archive.extractfile(member), 0o600)
                except FileExistsError:
                    raise ArchiveError(f"{member.name} is in the archive twice.") from None
                if message := stop():
                    raise ArchiveError(message)
    except (tarfile.TarError, *DECOMPRESSION_ERRORS) as e:
        if isinstance(e, OSError) and e.errno is not None:
            raise                                # this server's disk, not the archive
        raise ArchiveError("This is not a whole tar archive (plain, gzip or bzip2): "
                           f"{e or 'it ends too early'}.") from None
    return UnpackedArchive(root=target, kind=_kind(target), limits=limits)


def _checked_place(member: tarfile.TarInfo, limits: ArchiveLimits
                   ) -> tuple[str, tuple[str, ...]] | None:
    """Where below the target `member` goes (its top folder, and its path below that),
    None if an import does not read it. Raises ArchiveError for a member no archive of
    Trac data holds."""
    relative = member.name
    while relative.startswith("./"):           # `tar czf x.tar.gz -C env .` writes them
        relative = relative[2:]
    if member.isdir() and relative in ("", "."):
        return None
    name = plain_relative_name(relative)
    if name is None:
        raise ArchiveError(f"Refused {member.name[:200]!r}: its name is not a plain "
                           "relative path (absolute, with .. or control characters).")
    if member.issparse() or not (member.isreg() or member.isdir()):
        raise ArchiveError(f"Refused {name}: it is neither a file nor a folder (a "
                           "link, a hard link or a device).")
    if member.isdir():
        return None
    parts = name.parts
    for member_top, below in (("", parts), (parts[0], parts[1:])):
        if _read_by_imports(below):
            if below == ENVIRONMENT_DATABASE and member.size > limits.database_bytes:
                raise ArchiveError(f"{name} is larger than "
                                   f"{limits.database_bytes // 2**20} MiB, this site's "
                                   "limit.")
            return member_top, below
    return None


def _read_by_imports(parts: tuple[str, ...]) -> bool:
    return (parts in ((MANIFEST,), ENVIRONMENT_DATABASE) or parts in _TABLE_MEMBERS
            or (len(parts) > len(ATTACHMENTS_DIR) and parts[:2] == ATTACHMENTS_DIR))


def _kind(root: Path) -> str:
    export = (root / MANIFEST).is_file()
    environment = root.joinpath(*ENVIRONMENT_DATABASE).is_file()
    if export and environment:
        raise ArchiveError(f"The archive holds both an export ({MANIFEST}) and a Trac "
                           "environment (db/trac.db): import one at a time.")
    if not (export or environment):
        raise ArchiveError(f"The archive is neither a Trac data export ({MANIFEST}) nor "
                           "a Trac environment (db/trac.db).")
    return EXPORT if export else ENVIRONMENT
