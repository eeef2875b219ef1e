"""How a command ends: its exit code, or one line on stderr naming what failed."""
import os
import sys
from typing import Callable

from devjavu.cli.errors import CommandError
from devjavu.datadir import UnsafePathError
from devjavu.failures import describe_failure, first_line
from devjavu.settings import Settings, SettingsError

# Set (to anything but 0) to get the traceback instead of the one line.
DEBUG_VARIABLE = "DEVJAVU_DEBUG"


def answer(command: Callable[[], int], settings: Callable[[], Settings | None]) -> int:
    """Run `command`; its exit code, or 1 after one line saying why it failed
    (`settings()`: the site's, once known, for naming its paths)."""
    try:
        return command() or 0
    except (CommandError, SettingsError, UnsafePathError) as e:
        return fail(str(e))
    except KeyboardInterrupt:
        return 130
    except Exception as e:
        # The commands leave nothing half-done on a failure (each database change is one
        # transaction, each file written atomically), so what is left is to say why.
        if os.environ.get(DEBUG_VARIABLE, "0") not in ("", "0"):
            raise
        message = describe_failure(e, settings())
        if message is None:
            message = (f"unexpected {type(e).__name__}: {first_line(e)} (run again with "
                       f"{DEBUG_VARIABLE}=1 for the traceback)")
        return fail(message)


def fail(message: str) -> int:
    # One line, whatever the message holds: scripts read stderr line by line.
    print(f"devjavu-admin: error: {' '.join(message.split())}", file=sys.stderr)
    return 1


def in_child(command: Callable[[], int], settings: Settings) -> int:
    """Run `command` in a forked child (which may drop root's privileges for good) and
    return its exit code; the child says itself why it failed. The parent keeps what it
    is, to finish what only it may (a file renamed into a folder of root's)."""
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            code = answer(command, lambda: settings)
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)
