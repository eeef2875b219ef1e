"""Moving a backup between the run user and root as a tar stream over a pipe.

The run user reads the live data and root keeps the backups, so neither reads the
other's folders: a backup is copied by the run user and sent to root as a stream, and a
restore is sent by root to the run user the same way. The receiver trusts nothing in the
stream (the run user may have planted anything in what it copied, a backup may have been
altered): only regular files and folders with plain relative names are written, each
created anew below the target, never through a link; anything else stops the transfer.
"""
import os
import stat
import tarfile
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from devjavu.tarsafety import plain_relative_name, write_new_file


class StreamError(RuntimeError):
    """The stream holds something a backup never holds; the message names it."""


class TreeSender:
    """Writes folders and regular files to `out` as one tar stream, tree after tree (a
    backup sends each project as soon as it is copied, then removes the copy)."""

    def __init__(self, out: BinaryIO):
        self.archive = tarfile.open(fileobj=out, mode="w|", format=tarfile.PAX_FORMAT)

    def add_tree(self, root: Path) -> None:
        """Everything below `root`, names relative to it. A link or special file is
        refused, never followed."""
        for directory, dirs, files in os.walk(root):
            dirs.sort()
            for name in [*dirs, *sorted(files)]:
                self._add(root, Path(directory) / name)

    def _add(self, root: Path, path: Path) -> None:
        status = os.lstat(path)
        if not (stat.S_ISDIR(status.st_mode) or stat.S_ISREG(status.st_mode)):
            raise StreamError(f"{path.relative_to(root)} is neither a file nor a folder "
                              "(a link?)")
        member = self.archive.gettarinfo(str(path), arcname=str(path.relative_to(root)))
        member.uid = member.gid = 0
        member.uname = member.gname = ""
        if member.isreg():
            with open(path, "rb") as f:
                self.archive.addfile(member, f)
        else:
            self.archive.addfile(member)

    def close(self) -> None:
        self.archive.close()


def send_tree(root: Path, out: BinaryIO) -> None:
    sender = TreeSender(out)
    sender.add_tree(root)
    sender.close()


def checked_name(name: str) -> PurePosixPath:
    """`name` as a relative path that stays below the target: no `..`, no absolute path,
    no empty or control-character parts."""
    path = plain_relative_name(name)
    if path is None:
        raise StreamError(f"refused a name in the backup: {name[:200]!r}")
    return path


def receive_tree(source: BinaryIO, target: Path) -> int:
    """Write the folders and files of the tar stream `source` below the existing, empty
    folder `target` (files 0600 or 0700, folders 0700); returns how many files. Raises
    StreamError at the first link, device, FIFO, hard link or unsafe name; what was
    written by then stays below `target`, for the caller to remove."""
    files = 0
    with tarfile.open(fileobj=source, mode="r|") as archive:
        for member in archive:
            relative = checked_name(member.name)
            path = target / relative
            if member.isdir():
                try:
                    os.mkdir(path, 0o700)
                except FileExistsError:
                    # Sent again with the next tree; only this transfer made folders.
                    if not stat.S_ISDIR(os.lstat(path).st_mode):
                        raise StreamError(f"refused {relative}: a file and a folder"
                                          ) from None
            elif member.isreg():
                # The owner's execute bit only (repository hooks): nothing for others.
                mode = 0o700 if member.mode & 0o100 else 0o600
                write_new_file(path, archive.extractfile(member), mode)
                files += 1
            else:
                raise StreamError(f"refused {relative}: neither a file nor a folder "
                                  "(a link or special file)")
    return files

