"""A form that carries one large file (a repository dump), read as it arrives.

Pyramid would parse the whole body before the view runs, spooling the file to the
system's temporary directory, outside the disk reserve's watch. Here the body is read
from the socket in chunks by a streaming multipart reader (multipartstream.py): the
form's small fields come first (the page puts the file last), are checked (CSRF token,
the form's own rules) before the first byte of the file is written, and the file goes
straight into the data directory, whose free space is checked before anything is read
and again as it grows. Whatever fails, no partial file is left and the message is
one for the person who sent it.
"""
import hmac
import os
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from pyramid.csrf import check_csrf_origin, get_csrf_token

from devjavu.dashboard.multipartstream import (MultipartError, boundary_of, disposition,
                                               read_parts)
from devjavu.projects.service import ProjectError
from devjavu.projects.staging import check_space
from devjavu.settings import Settings

CHUNK_BYTES = 256 * 1024
# The small fields before the file: a form has a handful, each of one line or so.
MAX_FIELDS = 16
MAX_FIELD_BYTES = 16 * 1024
# How often the disk is looked at again while the file is written.
CHECK_EVERY_BYTES = 16 * 2**20
PARTIAL_SUFFIX = ".partial"


class UploadError(ValueError):
    """The upload was refused or broke off; the message says why, for its sender."""


@dataclass
class Upload:
    fields: dict[str, str]
    path: Path
    size: int


def disk_room(settings: Settings) -> Callable[[int], None]:
    """A check that `more` bytes still fit above the disk reserve (the imports' own
    check, devjavu/projects/staging.py); raises UploadError."""
    def check(more: int) -> None:
        try:
            check_space(settings, more)
        except ProjectError as e:
            raise UploadError(str(e)) from None
    return check


class _Receiver:
    """The parts of the form, as multipartstream.read_parts hands them over."""

    def __init__(self, directory: Path, file_field: str,
                 check_fields: Callable[[dict[str, str]], None],
                 room: Callable[[int], None]):
        self.directory, self.file_field = directory, file_field
        self.check_fields, self.room = check_fields, room
        self.fields: dict[str, str] = {}
        self.name = ""
        self.value = bytearray()
        self.file = None
        self.path: Path | None = None
        self.size = 0
        self.unchecked = 0
        self.file_done = False

    def begin(self, headers) -> None:
        if self.file_done:
            raise UploadError("The file must be the form's last field.")
        name, filename = disposition(headers)
        if name is None:
            raise UploadError("The form was sent in a way this page does not take.")
        self.name, self.value = name, bytearray()
        if name != self.file_field:
            if len(self.fields) >= MAX_FIELDS or name in self.fields:
                raise UploadError("The form was sent with fields this page does not take.")
            return
        if filename is None:
            raise UploadError("Choose a file to upload.")
        # Every field has come: a refusal now has written nothing.
        self.check_fields(self.fields)
        self.room(0)
        self.path = self.directory / f"upload.{uuid.uuid4().hex}{PARTIAL_SUFFIX}"
        self.file = open(os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600),
                         "wb")

    def data(self, chunk: bytes) -> None:
        if self.file is None:
            self.value += chunk
            if len(self.value) > MAX_FIELD_BYTES:
                raise UploadError(f"The field {self.name!r} is too long.")
            return
        self.file.write(chunk)
        self.size += len(chunk)
        self.unchecked += len(chunk)
        if self.unchecked >= CHECK_EVERY_BYTES:
            self.unchecked = 0
            self.room(0)

    def end(self) -> None:
        if self.file is not None and not self.file_done:
            self.file.flush()
            os.fsync(self.file.fileno())
            self.file.close()
            self.file_done = True
            return
        try:
            self.fields[self.name] = self.value.decode("utf-8")
        except UnicodeDecodeError:
            raise UploadError(f"The field {self.name!r} is not UTF-8 text.") from None

    def discard(self) -> None:
        if self.file is not None and not self.file.closed:
            self.file.close()
        if self.path is not None:
            self.path.unlink(missing_ok=True)


def receive(request, directory: Path, file_field: str,
            check_fields: Callable[[dict[str, str]], None],
            room: Callable[[int], None]) -> Upload:
    """Read the request's multipart body: its fields, then `file_field`'s file into a
    new file in `directory` (mode 0600). `check_fields(fields)` runs when the file
    begins and may raise UploadError; `room(bytes)` is asked before anything is read
    and as the file grows. Raises UploadError, leaving no file."""
    try:
        boundary = boundary_of(request.headers.get("Content-Type"))
    except MultipartError:
        raise UploadError("Send the form as the page does (multipart/form-data).") from None
    length = request.content_length
    if length is None:
        raise UploadError("The upload must say its length.")
    room(length)
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    receiver = _Receiver(directory, file_field, check_fields, room)
    try:
        read_parts(request.body_file_raw, length, boundary, receiver, CHUNK_BYTES)
        if not receiver.file_done:
            raise UploadError("Choose a file to upload.")
    except MultipartError as e:
        receiver.discard()
        raise UploadError(f"The upload broke off or was not sent whole ({e}).") from e
    except OSError as e:        # the client went away, or the disk refused
        receiver.discard()
        raise UploadError(f"The upload could not be received ({e.strerror or e}).") from e
    except BaseException:
        receiver.discard()
        raise
    return Upload(receiver.fields, receiver.path, receiver.size)


def check_csrf(request, fields: dict[str, str]) -> None:
    """Pyramid's CSRF rules, for a form Pyramid does not parse: the token of the
    session, and a request from this site's own pages."""
    token = fields.get("csrf_token", "")
    expected = get_csrf_token(request)
    if (not hmac.compare_digest(token.encode(), expected.encode())
            or not check_csrf_origin(request, raises=False)):
        raise UploadError("This form has expired: load the page again and resend it.")
