"""The Trac data of an unpacked archive, whichever kind it is: our own export (its
manifest and JSON lines) or another Trac environment (its database). Either gives its
rows table by table, checked as they are read, and as often as asked (an import reads
them once to check them all, then again to write them), so that no table is ever held
in memory whole."""
import json
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Protocol

from devjavu.tracenv.archive_format import (ATTACHMENTS_DIR, ENVIRONMENT_DATABASE,
                                            FORMAT_NAME, FORMAT_VERSION, MANIFEST,
                                            ArchiveError, TableSpec)
from devjavu.tracenv.archive_reader import EXPORT, UnpackedArchive
from devjavu.tracenv.archive_rows import json_rows
from devjavu.tracenv.foreign_database import ForeignDatabase

MANIFEST_BYTES = 2**20


class TracData(Protocol):
    description: str                      # where it came from, for messages and audit
    attachments_root: Path                # files/attachments as unpacked

    def rows(self, spec: TableSpec) -> Iterator[tuple]: ...

    def ticket_custom(self) -> dict[str, str]: ...


class ExportedData:
    description = "a Trac data export"

    def __init__(self, unpacked: UnpackedArchive):
        self._root, self._line_bytes = unpacked.root, unpacked.limits.line_bytes
        self.attachments_root = unpacked.root.joinpath(*ATTACHMENTS_DIR)
        self._manifest = _manifest(unpacked.root / MANIFEST)

    def rows(self, spec: TableSpec) -> Iterator[tuple]:
        path = self._root / spec.member
        if not path.is_file():
            raise ArchiveError(f"The archive has no {spec.member}.")
        return json_rows(path, spec, self._line_bytes)

    def ticket_custom(self) -> dict[str, str]:
        return self._manifest["ticket_custom"]


def _manifest(path: Path) -> dict:
    if path.stat().st_size > MANIFEST_BYTES:
        raise ArchiveError(f"{MANIFEST} is too large to be a manifest.")
    try:
        manifest = json.loads(path.read_bytes().decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise ArchiveError(f"{MANIFEST} is not a JSON object.") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT_NAME:
        raise ArchiveError(f"{MANIFEST} does not describe a Trac data export.")
    if manifest.get("version") != FORMAT_VERSION:
        raise ArchiveError(f"The archive is in format version {manifest.get('version')!r}"
                           f"; this site reads version {FORMAT_VERSION}.")
    custom = manifest.setdefault("ticket_custom", {})
    if not (isinstance(custom, dict) and all(isinstance(key, str) and isinstance(value, str)
                                             for key, value in custom.items())):
        raise ArchiveError(f"{MANIFEST}: ticket_custom must map option names to text.")
    return manifest


class EnvironmentData:
    def __init__(self, unpacked: UnpackedArchive):
        self._database = ForeignDatabase(unpacked.root.joinpath(*ENVIRONMENT_DATABASE))
        self.description = self._database.description
        self.attachments_root = unpacked.root.joinpath(*ATTACHMENTS_DIR)

    def rows(self, spec: TableSpec) -> Iterator[tuple]:
        return self._database.rows(spec)

    def ticket_custom(self) -> dict[str, str]:
        return self._database.ticket_custom()

    def close(self) -> None:
        self._database.close()


@contextmanager
def trac_data(unpacked: UnpackedArchive) -> Iterator[TracData]:
    """The Trac data of `unpacked`. Raises ArchiveError."""
    if unpacked.kind == EXPORT:
        yield ExportedData(unpacked)
        return
    data = EnvironmentData(unpacked)
    try:
        yield data
    finally:
        data.close()
