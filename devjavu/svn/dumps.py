"""Repository history as a dump stream: loading one into a repository, writing one out.

Loading is `svnadmin load` fed from a stream (plain, gzip or bzip2, told apart by their
first bytes, never by a file name), decompressed here chunk by chunk so that a dump of
any size passes through a few hundred KiB of memory; its progress is read from the lines
`svnadmin load` prints per revision. It runs at low CPU and disk priority
(devjavu/lowpriority.py): a long load must leave the site its usual response times. Writing is
`svnadmin dump --quiet`, gzip-compressed here when asked.

A dump is data: `svnadmin load` refuses a malformed one, and what it loads (properties,
externals, file contents) is never run or read as configuration by the server.
"""
import io
import re
import subprocess
import threading
import zlib
from pathlib import Path
from typing import BinaryIO, Callable, Iterator

from subvertpy import repos

from devjavu.compression import DECOMPRESSION_ERRORS, decompressed
from devjavu.fsutil import sync_filesystem
from devjavu.lowpriority import low_priority

CHUNK_BYTES = 256 * 1024
_DUMP_MAGIC = b"SVN-fs-dump-format-version:"
_COMMITTED = re.compile(rb"------- Committed (?:new )?revision (\d+) >>>")


class DumpError(RuntimeError):
    """A dump could not be loaded or written; the message says why, in one line."""


def _decompressed(stream: BinaryIO) -> BinaryIO:
    """`stream` as a plain dump stream, whichever of the three forms it has."""
    plain = decompressed(stream, CHUNK_BYTES)
    try:
        head = plain.peek(len(_DUMP_MAGIC))
    except DECOMPRESSION_ERRORS:
        head = b""
    if not head.startswith(_DUMP_MAGIC):
        raise DumpError("This is not a Subversion dump (svnadmin dump), plain, gzip or "
                        "bzip2.")
    return plain


def _feed(source: BinaryIO, sink: BinaryIO, failure: list) -> None:
    """Copy `source` into `sink` (svnadmin's stdin) and close it; a decompression error, a
    truncated compressed stream or a stream that stops inside a record is kept in
    `failure` for the loader to report."""
    tail = b""
    try:
        while chunk := source.read(CHUNK_BYTES):
            sink.write(chunk)
            tail = (tail + chunk)[-2:]
        # Every record svnadmin dump writes ends with a blank line; svnadmin load takes a
        # stream cut inside a record's headers for a shorter record.
        if not tail.endswith(b"\n\n"):
            failure.append(EOFError("it stops inside a record"))
    except DECOMPRESSION_ERRORS as e:
        failure.append(e)
    finally:
        try:
            sink.close()
        except BrokenPipeError:
            pass


# --ignore-uuid: a project's repository keeps its own UUID. --normalize-props: old dumps
# often carry svn:log and svn:ignore with CRLF line ends, which svnadmin would refuse.
# A load runs no hook (svnadmin runs them only when asked). --no-flush-to-disk: a load goes
# into a repository nobody uses yet, thrown away if anything fails; the file system is
# flushed once at the end instead (one syncfs instead of an fsync per revision).
def load(repository: Path, stream: BinaryIO,
         progress: Callable[[int], None] = lambda revision: None,
         stop: Callable[[], str | None] = lambda: None) -> int:
    """Load the dump in `stream` into `repository` (keeping the repository's own UUID),
    then verify the repository and flush it to disk. `progress(revision)` is called after each revision;
    `stop()` is asked as it goes and ends the load with its answer as the error (a full
    disk). Returns the youngest revision. Raises DumpError; the repository then holds
    whatever was loaded, and the caller throws it away."""
    plain = _decompressed(stream)
    loader = subprocess.Popen(
        low_priority(["svnadmin", "load", "--ignore-uuid", "--normalize-props",
                      "--no-flush-to-disk", repository]),
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    failure: list = []
    feeder = threading.Thread(target=_feed, args=(plain, loader.stdin, failure),
                              daemon=True)
    feeder.start()
    errors = _collect(loader.stderr)
    youngest, stopped = 0, None
    for line in loader.stdout:
        committed = _COMMITTED.match(line)
        if committed:
            youngest = int(committed.group(1))
            progress(youngest)
        stopped = stopped or stop()
        if stopped:
            loader.kill()
            break
    loader.wait()
    feeder.join()
    errors.join()
    if stopped:
        raise DumpError(stopped)
    if loader.returncode != 0:
        raise DumpError(_one_line(errors.text) or "svnadmin load failed.")
    if failure:     # the decompressor's complaint, where svnadmin saw a clean end
        raise DumpError(f"The dump ends too early or is damaged ({failure[0]}).")
    _forget_mirror_properties(repository)
    verify(repository)
    sync_filesystem(repository)
    return youngest


# What svnsync keeps on revision 0 of a mirror: where it copies from. A loaded dump may
# carry them; they would make a project look like a mirror of an address the dump chose.
MIRROR_PROPERTIES = ("svn:sync-from-url", "svn:sync-from-uuid", "svn:sync-last-merged-rev",
                     "svn:sync-currently-copying", "svn:sync-lock")


def _forget_mirror_properties(repository: Path) -> None:
    present = repos.Repository(str(repository)).fs().revision_proplist(0)
    for name in MIRROR_PROPERTIES:
        if name in present:
            answer = subprocess.run(["svnadmin", "delrevprop", str(repository), "-r", "0",
                                     name], capture_output=True, text=True)
            if answer.returncode != 0:
                raise DumpError(f"Could not remove {name} from revision 0: "
                                f"{_one_line(answer.stderr)}")


class _collect(threading.Thread):
    """Reads a pipe to its end beside the main loop (so that neither side blocks)."""

    def __init__(self, pipe: BinaryIO):
        super().__init__(daemon=True)
        self.pipe, self.text = pipe, ""
        self.start()

    def run(self) -> None:
        self.text = self.pipe.read().decode("utf-8", "replace")


def _one_line(stderr: str) -> str:
    """svnadmin's own message: its last `svnadmin: E...` line, without the code."""
    lines = [line for line in stderr.splitlines() if line.startswith("svnadmin: ")]
    if not lines:
        return stderr.strip().splitlines()[-1] if stderr.strip() else ""
    return re.sub(r"^svnadmin: (E\d+: )?", "", lines[-1]).strip()


def verify(repository: Path) -> None:
    """`svnadmin verify` over every revision. Raises DumpError."""
    answer = subprocess.run(low_priority(["svnadmin", "verify", "--quiet", repository]),
                            capture_output=True, text=True)
    if answer.returncode != 0:
        raise DumpError(f"The loaded repository does not verify: "
                        f"{_one_line(answer.stderr)}")


def dump_chunks(repository: Path, compress: bool) -> Iterator[bytes]:
    """The repository's whole history as a dump, in chunks, gzip-compressed if asked.
    Raises DumpError (when svnadmin fails, after what it wrote so far)."""
    dumper = subprocess.Popen(low_priority(["svnadmin", "dump", "--quiet", repository]),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    errors = _collect(dumper.stderr)
    packer = zlib.compressobj(6, zlib.DEFLATED, 31) if compress else None  # 31: gzip
    try:
        while chunk := dumper.stdout.read(CHUNK_BYTES):
            chunk = packer.compress(chunk) if packer else chunk
            if chunk:
                yield chunk
        if packer:
            yield packer.flush()
    finally:
        dumper.stdout.close()
        if dumper.poll() is None:
            dumper.kill()       # the reader went away (a closed download)
        dumper.wait()
        errors.join()
    if dumper.returncode != 0:
        raise DumpError(_one_line(errors.text) or "svnadmin dump failed.")


def dump_repository_path(path: Path) -> BinaryIO:
    """A plain dump stream of the repository at `path` (another repository on this
    server, read as the run user), for `load`. Raises DumpError if it is not one."""
    check = subprocess.run(["svnlook", "youngest", str(path)], capture_output=True,
                           text=True)
    if check.returncode != 0:
        raise DumpError(f"{path} is not a Subversion repository this site can read: "
                        f"{re.sub(r'^svnlook: (E[0-9]+: )?', '', check.stderr.strip())}")
    return _ChunkStream(dump_chunks(path, compress=False))


class _ChunkStream(io.RawIOBase):
    """A readable stream over an iterator of byte chunks."""

    def __init__(self, chunks: Iterator[bytes]):
        self._chunks, self._rest = chunks, b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while not self._rest:
            try:
                self._rest = next(self._chunks)
            except StopIteration:
                return 0
            except DumpError as e:
                raise OSError(str(e)) from e
        size = min(len(buffer), len(self._rest))
        buffer[:size], self._rest = self._rest[:size], self._rest[size:]
        return size
