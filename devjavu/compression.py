"""Reading a stream that may be compressed (gzip or bzip2), told apart by its first
bytes, never by a file name, and decompressed as it is read."""
import bz2
import gzip
import io
import zlib
from typing import BinaryIO

GZIP_MAGIC = b"\x1f\x8b"
BZIP2_MAGIC = b"BZh"
# What a damaged or cut compressed stream raises as it is read.
DECOMPRESSION_ERRORS = (OSError, EOFError, zlib.error)


def decompressed(stream: BinaryIO, buffer_bytes: int) -> BinaryIO:
    """`stream` as the plain stream it holds, whichever form it has."""
    buffered = stream if hasattr(stream, "peek") else io.BufferedReader(stream, buffer_bytes)
    head = buffered.peek(len(GZIP_MAGIC + BZIP2_MAGIC))
    if head.startswith(GZIP_MAGIC):
        return gzip.GzipFile(fileobj=buffered, mode="rb")
    if head.startswith(BZIP2_MAGIC):
        return bz2.BZ2File(buffered, mode="rb")
    return buffered


def is_compressed(head: bytes) -> bool:
    return head.startswith((GZIP_MAGIC, BZIP2_MAGIC))
