"""The streaming multipart reader gives back exactly the parts a client encoded, however
the body is cut into chunks and whatever bytes (near-boundaries included) a file holds;
a malformed body is refused."""
import io

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from devjavu.dashboard.multipartstream import (MultipartError, boundary_of, disposition,
                                               read_parts)

BOUNDARY = b"xYzZY-boundary"


class _Collect:
    def __init__(self):
        self.parts = []

    def begin(self, headers):
        self.parts.append([disposition(headers), b""])

    def data(self, chunk):
        assert chunk
        self.parts[-1][1] += chunk

    def end(self):
        self.parts[-1].append("ended")


def _encode(parts, preamble=b"", epilogue=b"") -> bytes:
    body = preamble
    for name, filename, value in parts:
        disposition_line = f'form-data; name="{name}"'
        if filename is not None:
            disposition_line += f'; filename="{filename}"'
        body += (b"--" + BOUNDARY + b"\r\nContent-Disposition: "
                 + disposition_line.encode() + b"\r\n\r\n" + value + b"\r\n")
    return body + b"--" + BOUNDARY + b"--\r\n" + epilogue


class _Chunked(io.RawIOBase):
    """A body that hands out at most the next of `sizes` bytes per read."""

    def __init__(self, data: bytes, sizes: list[int]):
        self.data, self.sizes = data, sizes or [1]

    def read(self, n=-1):
        size = min(n, self.sizes[0] if len(self.sizes) == 1 else self.sizes.pop(0))
        chunk, self.data = self.data[:size], self.data[size:]
        return chunk


def _read(body: bytes, sizes=(1 << 20,)) -> list:
    collected = _Collect()
    read_parts(_Chunked(body, list(sizes)), len(body), BOUNDARY, collected, chunk_bytes=7)
    return collected.parts


tricky = st.binary(max_size=200) | st.sampled_from([
    b"\r\n--" + BOUNDARY[:-1], b"\r\n--" + BOUNDARY + b"x", b"--" + BOUNDARY,
    b"\r\n\r\n", b"\r", b"\r\n-", b""])


@settings(max_examples=200, deadline=None)
@given(values=st.lists(st.lists(tricky, max_size=4).map(b"".join), min_size=1, max_size=4),
       sizes=st.lists(st.integers(1, 40), max_size=30))
def test_any_content_in_any_chunks_comes_back_whole(values, sizes):
    # A client picks a boundary that its content does not hold.
    assume(not any(b"--" + BOUNDARY in b"\r\n" + value for value in values))
    parts = [(f"field{n}", "f.bin" if n == len(values) - 1 else None, value)
             for n, value in enumerate(values)]
    body = _encode(parts, preamble=b"ignored preamble\r\n", epilogue=b"ignored")
    got = _read(body, sizes)
    assert [(d, data) for d, data, _ in got] == [((n, f), v) for n, f, v in parts]
    assert all(ended == "ended" for *_, ended in got)


@pytest.mark.parametrize("body,message", [
    (b"--" + BOUNDARY + b"\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nvalue",
     "inside a part"),
    (b"--" + BOUNDARY + b"XX", "neither"),
    (b"--" + BOUNDARY + b"\r\nno colon here\r\n\r\nx\r\n--" + BOUNDARY + b"--",
     "malformed header"),
    (b"--" + BOUNDARY + b"\r\nX: " + b"y" * 9000, "too long"),
    (b"no boundary at all", "inside a part"),
])
def test_malformed_bodies_are_refused(body, message):
    with pytest.raises(MultipartError, match=message):
        _read(body)


def test_a_body_shorter_than_its_length_is_refused():
    body = _encode([("a", None, b"1")])
    with pytest.raises(MultipartError, match="declared length"):
        read_parts(io.BytesIO(body), len(body) + 10, BOUNDARY, _Collect())


@pytest.mark.parametrize("content_type", [
    None, "", "text/plain", "multipart/form-data", "multipart/form-data; boundary=",
    "multipart/mixed; boundary=abc", "multipart/form-data; boundary=" + "a" * 71,
])
def test_content_types_without_a_usable_boundary_are_refused(content_type):
    with pytest.raises(MultipartError):
        boundary_of(content_type)


def test_the_boundary_of_a_browser_form():
    assert boundary_of('multipart/form-data; boundary="----WebKitForm12"') == \
        b"----WebKitForm12"
