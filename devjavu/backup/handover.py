"""Root and the run user working on one backup, joined by a pipe.

Root keeps the backups and the run user the live data; each side touches only its own
folders (see datadir). `handover` runs one side in a forked child that has become the run
user and the other here, streaming between them, and reports the failure that came
first: a child that stops makes the parent's end of the pipe fail too.
"""
import json
import os
import sys
import tarfile
import traceback
from typing import BinaryIO, Callable

from devjavu import datadir
from devjavu.backup.stream import StreamError
from devjavu.settings import Settings

# A reason shorter than a pipe's buffer never blocks the child that writes it.
MAX_REASON_BYTES = 4000
# What the stream's reader or writer raises when the other side stops or sends nonsense.
STREAM_ERRORS = (OSError, tarfile.TarError, StreamError)


class HandoverError(RuntimeError):
    """One side failed; `kind` is the name of the child's exception class, if it was the
    child's."""

    def __init__(self, message: str, kind: str = ""):
        super().__init__(message)
        self.kind = kind


def handover(settings: Settings, in_child: Callable[[BinaryIO], None],
             in_parent: Callable[[BinaryIO], None], child_sends: bool,
             describe: Callable[[BaseException], str] = str,
             expected: tuple[type[BaseException], ...] = ()) -> None:
    """`in_child(stream)` as the run user in a forked child, `in_parent(stream)` here; the
    child writes the pipe if `child_sends`, else reads it. `describe` turns the child's
    exception into the message; exceptions not `expected` also print their traceback."""
    data_in, data_out = os.pipe()
    reason_in, reason_out = os.pipe()
    child_end, parent_end = (data_out, data_in) if child_sends else (data_in, data_out)
    pid = os.fork()
    if pid == 0:
        os.close(parent_end)
        os.close(reason_in)
        code = 1
        try:
            datadir.drop_privileges(settings)
            with os.fdopen(child_end, "wb" if child_sends else "rb") as stream:
                in_child(stream)
            code = 0
        except BaseException as e:
            if not isinstance(e, expected + STREAM_ERRORS):
                traceback.print_exc()
            reason = {"error": describe(e), "kind": type(e).__name__}
            os.write(reason_out, json.dumps(reason).encode()[:MAX_REASON_BYTES])
        finally:
            sys.stderr.flush()
            os._exit(code)
    os.close(child_end)
    os.close(reason_out)
    error = None
    try:
        with os.fdopen(parent_end, "rb" if child_sends else "wb") as stream:
            in_parent(stream)
    except STREAM_ERRORS as e:
        error = e                # the pipe is closed now: a child still at work stops
    with os.fdopen(reason_in, "rb") as f:
        reason = f.read()
    _, status = os.waitpid(pid, 0)
    if isinstance(error, OSError) and not isinstance(error, BrokenPipeError):
        raise error              # this side's own failure (its disk is full) came first
    if reason:
        try:
            reason = json.loads(reason)
            raise HandoverError(reason["error"], reason["kind"])
        except (ValueError, KeyError):
            raise HandoverError(reason.decode(errors="replace")) from None
    if error is not None:
        raise HandoverError(f"the stream from {settings.run_user} was refused: {error}")
    if os.waitstatus_to_exitcode(status) != 0:
        raise HandoverError(f"the work as {settings.run_user} failed (see above)")
