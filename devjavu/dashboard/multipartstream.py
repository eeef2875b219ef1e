"""A multipart/form-data body (RFC 7578) read as it arrives, part by part, in a few
chunks of memory whatever its size: for a form that carries one large file.

Not a general form parser (Pyramid's WebOb parses every other form): parts come to a
`handler` as `begin(headers)`, `data(bytes)`... and `end()`; what the handler raises
stops the reading. The library Trac would use for this (`multipart`) must not be
installed beside Trac 1.6 on Python 3.11, whose form parsing it would replace.
"""
from email.message import Message
from typing import BinaryIO, Protocol

MAX_HEADER_BYTES = 8192


class MultipartError(ValueError):
    """The body is not a whole multipart/form-data body."""


class PartHandler(Protocol):
    def begin(self, headers: Message) -> None: ...
    def data(self, chunk: bytes) -> None: ...
    def end(self) -> None: ...


def boundary_of(content_type: str | None) -> bytes:
    """The boundary of a multipart/form-data Content-Type. Raises MultipartError."""
    header = Message()
    header["content-type"] = content_type or ""
    boundary = header.get_param("boundary")
    if (header.get_content_type() != "multipart/form-data" or not isinstance(boundary, str)
            or not 1 <= len(boundary) <= 70 or not boundary.isascii()):
        raise MultipartError("not a multipart/form-data body")
    return boundary.encode("ascii")


def disposition(headers: Message) -> tuple[str | None, str | None]:
    """(name, filename) of a part's Content-Disposition: form-data; None where absent."""
    if headers.get_content_disposition() != "form-data":
        return None, None
    name = headers.get_param("name", header="content-disposition")
    filename = headers.get_param("filename", header="content-disposition")
    return (name if isinstance(name, str) else None,
            filename if isinstance(filename, str) else None)


def read_parts(body: BinaryIO, length: int, boundary: bytes, handler: PartHandler,
               chunk_bytes: int = 256 * 1024) -> None:
    """Read `length` bytes of `body` and hand each part to `handler`. Raises
    MultipartError for a malformed or short body, and whatever `handler` raises."""
    reader = _Reader(boundary, handler)
    remaining = length
    while remaining > 0:
        chunk = body.read(min(chunk_bytes, remaining))
        if not chunk:
            raise MultipartError("the body ended before its declared length")
        remaining -= len(chunk)
        reader.feed(chunk)
    if not reader.finished:
        raise MultipartError("the body ended inside a part")


class _Reader:
    def __init__(self, boundary: bytes, handler: PartHandler):
        self.first = b"--" + boundary
        self.delimiter = b"\r\n--" + boundary
        self.handler = handler
        self.buffer = b""
        self.state = "preamble"
        self.finished = False

    def feed(self, chunk: bytes) -> None:
        self.buffer += chunk
        while self._step():
            pass

    def _step(self) -> bool:
        """Make what progress the buffer allows; False when more bytes are needed."""
        if self.state == "preamble":
            return self._after_delimiter(self.first, keep=len(self.first))
        if self.state == "headers":
            return self._headers()
        if self.state == "data":
            return self._data()
        if self.state == "after":
            return self._after_boundary()
        self.buffer = b""                   # the epilogue, ignored
        return False

    def _after_delimiter(self, delimiter: bytes, keep: int) -> bool:
        at = self.buffer.find(delimiter)
        if at < 0:
            self.buffer = self.buffer[-keep:]
            return False
        self.buffer = self.buffer[at + len(delimiter):]
        self.state = "after"
        return True

    def _after_boundary(self) -> bool:
        if len(self.buffer) < 2:
            return False
        mark, self.buffer = self.buffer[:2], self.buffer[2:]
        if mark == b"--":
            self.state, self.finished = "epilogue", True
        elif mark == b"\r\n":
            self.state = "headers"
        else:
            raise MultipartError("a boundary is followed by neither a part nor the end")
        return True

    def _headers(self) -> bool:
        end = self.buffer.find(b"\r\n\r\n")
        if end < 0:
            if len(self.buffer) > MAX_HEADER_BYTES:
                raise MultipartError("a part's headers are too long")
            return False
        raw, self.buffer = self.buffer[:end], self.buffer[end + 4:]
        headers = Message()
        for line in raw.split(b"\r\n"):
            name, colon, value = line.partition(b":")
            if not colon or not name.strip():
                raise MultipartError("a part has a malformed header")
            headers[name.strip().decode("latin-1")] = value.strip().decode("utf-8",
                                                                           "replace")
        self.handler.begin(headers)
        self.state = "data"
        return True

    def _data(self) -> bool:
        at = self.buffer.find(self.delimiter)
        if at < 0:
            # All but what may be the start of a delimiter split across chunks.
            safe = len(self.buffer) - (len(self.delimiter) - 1)
            if safe > 0:
                self.handler.data(self.buffer[:safe])
                self.buffer = self.buffer[safe:]
            return False
        if at:
            self.handler.data(self.buffer[:at])
        self.buffer = self.buffer[at + len(self.delimiter):]
        self.handler.end()
        self.state = "after"
        return True
