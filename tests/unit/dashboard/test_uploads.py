"""An uploaded file is read from the request as it arrives: fields first and checked
before the file's first byte is stored, the disk asked before and during, and nothing
left behind by a refusal or a broken upload."""
import io
import os

import pytest
from webob import Request

from devjavu.dashboard import uploads
from devjavu.dashboard.uploads import UploadError, receive

BOUNDARY = "----devjavu-test-boundary"


def _part(name: str, value: bytes, filename: str | None = None) -> bytes:
    disposition = f'form-data; name="{name}"'
    if filename is not None:
        disposition += f'; filename="{filename}"'
    return (f"--{BOUNDARY}\r\nContent-Disposition: {disposition}\r\n\r\n".encode()
            + value + b"\r\n")


def _request(*parts: bytes, end: bool = True, length: int | None = None) -> Request:
    body = b"".join(parts) + (f"--{BOUNDARY}--\r\n".encode() if end else b"")
    request = Request.blank("/dashboard/new/dump", method="POST", body=body)
    request.content_type = f"multipart/form-data; boundary={BOUNDARY}"
    if length is not None:
        request.content_length = length
    return request


def _accept(fields):
    pass


def _room(more):
    pass


def test_fields_then_the_file_streamed_to_disk(tmp_path):
    content = os.urandom(3 * uploads.CHUNK_BYTES + 17)
    seen = []
    upload = receive(_request(_part("name", b"demo"), _part("dump", content, "d.dump")),
                     tmp_path, "dump", lambda fields: seen.append(dict(fields)), _room)
    assert seen == [{"name": "demo"}]             # checked before the file began
    assert upload.fields == {"name": "demo"} and upload.size == len(content)
    assert upload.path.read_bytes() == content and upload.path.parent == tmp_path
    assert oct(upload.path.stat().st_mode & 0o777) == "0o600"


def test_a_refusal_of_the_fields_stores_nothing(tmp_path):
    def refuse(fields):
        raise UploadError("That name is taken.")
    with pytest.raises(UploadError, match="taken"):
        receive(_request(_part("name", b"x"), _part("dump", b"data" * 1000, "d")),
                tmp_path, "dump", refuse, _room)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("parts,message", [
    ((_part("dump", b"data", "d"), _part("name", b"late")), "last field"),
    ((_part("name", b"x"),), "Choose a file"),
    ((_part("dump", b"no file name"),), "Choose a file"),
    ((_part("a", b"1"), _part("a", b"2"), _part("dump", b"d", "d")), "fields"),
    ((_part("name", b"\xff\xfe"), _part("dump", b"d", "d")), "UTF-8"),
    ((_part("name", b"x" * (uploads.MAX_FIELD_BYTES + 1)), _part("dump", b"d", "d")),
     "too long"),
    (tuple(_part(f"f{n}", b"1") for n in range(uploads.MAX_FIELDS + 1)), "fields"),
])
def test_malformed_forms_are_refused_and_leave_nothing(tmp_path, parts, message):
    with pytest.raises(UploadError, match=message):
        receive(_request(*parts), tmp_path, "dump", _accept, _room)
    assert list(tmp_path.iterdir()) == []


def test_a_body_cut_short_leaves_nothing(tmp_path):
    request = _request(_part("name", b"x"), _part("dump", b"data" * 10000, "d"), end=False)
    full = request.body
    request.body_file_raw = io.BytesIO(full[:len(full) // 2])
    request.content_length = len(full)
    with pytest.raises(UploadError, match="broke off"):
        receive(request, tmp_path, "dump", _accept, _room)
    assert list(tmp_path.iterdir()) == []


def test_a_body_without_its_closing_boundary_is_refused(tmp_path):
    with pytest.raises(UploadError):
        receive(_request(_part("dump", b"data", "d"), end=False), tmp_path, "dump",
                _accept, _room)
    assert list(tmp_path.iterdir()) == []


def test_not_a_multipart_form(tmp_path):
    request = Request.blank("/dashboard/new/dump", method="POST", body=b"name=x")
    request.content_type = "application/x-www-form-urlencoded"
    with pytest.raises(UploadError, match="multipart"):
        receive(request, tmp_path, "dump", _accept, _room)


def test_the_disk_is_asked_before_reading_and_as_the_file_grows(tmp_path, monkeypatch):
    monkeypatch.setattr(uploads, "CHECK_EVERY_BYTES", 1000)
    asked = []

    def room(more):
        asked.append(more)
        if len(asked) == 3:        # before reading, at the file's start, as it grew
            raise UploadError("Not enough disk for this file.")
    request = _request(_part("dump", b"x" * 5000, "d"))
    with pytest.raises(UploadError, match="Not enough disk"):
        receive(request, tmp_path, "dump", _accept, room)
    assert asked[0] == request.content_length
    assert list(tmp_path.iterdir()) == []


def test_a_body_larger_than_the_disk_allows_is_refused_unread(tmp_path):
    request = _request(_part("dump", b"x" * 100, "d"))

    def room(more):
        raise UploadError("Not enough disk for this file.")
    request.body_file_raw = None       # nothing may read it
    with pytest.raises(UploadError, match="Not enough disk"):
        receive(request, tmp_path, "dump", _accept, room)
