"""Taking files out of a tar stream that nobody vouches for (a backup the run user could
have altered, an archive a project owner uploaded): only names that stay below the
target, each file created anew, never through a link or over what is there."""
import os
from pathlib import Path, PurePosixPath
from typing import BinaryIO

# Bounds a corrupt or hostile stream's names; real ones are far shorter.
MAX_NAME_LENGTH = 1024
CHUNK_BYTES = 1 << 20


def plain_relative_name(name: str) -> PurePosixPath | None:
    """`name` as a relative path that stays below the target, or None: no `..`, no
    absolute path, no empty, `.` or control-character parts, at most MAX_NAME_LENGTH."""
    path = PurePosixPath(name)
    if (not name or len(name) > MAX_NAME_LENGTH or path.is_absolute()
            or any(part in ("", ".", "..") for part in name.split("/"))
            or any(ord(c) < 32 or ord(c) == 127 for c in name)):
        return None
    return path


def write_new_file(path: Path, content: BinaryIO, mode: int) -> None:
    """`content` into a new file at `path`. O_EXCL never opens what is there already,
    O_NOFOLLOW never a link; the caller made the folders on the way (from checked names),
    so none of them is a link. Raises FileExistsError if `path` exists."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, mode)
    with os.fdopen(fd, "wb") as out:
        for block in iter(lambda: content.read(CHUNK_BYTES), b""):
            out.write(block)
