"""A gzipped tar built member by member as chunks of bytes to send on (a download, a
file, standard output), so that no member, however large, is ever held in memory whole:
`tarfile` writes a member's data in one call, which a generator cannot interrupt."""
import tarfile
import zlib
from typing import Iterable, Iterator

BLOCK = tarfile.BLOCKSIZE
RECORD = tarfile.RECORDSIZE


class MemberSizeError(RuntimeError):
    """A member's data did not have the size its header announced (a file that changed
    while it was read); what was sent so far is not a valid archive."""


class TarGzWriter:
    def __init__(self, level: int = 6):
        self._packer = zlib.compressobj(level, zlib.DEFLATED, 31)   # 31: gzip framing
        self._written = 0

    def member(self, name: str, size: int, mtime: float,
               chunks: Iterable[bytes]) -> Iterator[bytes]:
        """A regular file `name` of `size` bytes, its data the `chunks`."""
        info = tarfile.TarInfo(name)
        info.size, info.mtime, info.mode = size, int(mtime), 0o644
        yield from self._pack(info.tobuf(tarfile.PAX_FORMAT, "utf-8", "strict"))
        sent = 0
        for chunk in chunks:
            sent += len(chunk)
            if sent > size:
                break
            yield from self._pack(chunk)
        if sent != size:
            raise MemberSizeError(f"{name} changed while it was archived")
        yield from self._pack(b"\0" * (-size % BLOCK))

    def end(self) -> Iterator[bytes]:
        """The two empty blocks that end a tar, padded to a whole record as tar does."""
        closing = 2 * BLOCK
        closing += -(self._written + closing) % RECORD
        yield from self._pack(b"\0" * closing)
        yield self._packer.flush()

    def _pack(self, data: bytes) -> Iterator[bytes]:
        self._written += len(data)
        packed = self._packer.compress(data)
        if packed:
            yield packed
