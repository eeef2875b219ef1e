"""devjavu-admin in a forked child of the test process: what a subprocess would do, but
without starting Python and importing Trac again (a command that drops privileges
drops them in the child only)."""
import io
import os
import pwd
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

from devjavu.cli.main import main


def run_admin(ini_path: Path, *args: str, input: str | None = "",
              as_user: str | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    """`devjavu-admin -c INI ARGS` with `input` on stdin, as `as_user` if given; a child
    that ends by an exception (what a real run would print as a traceback) exits 99.
    A command still running after `timeout` seconds is killed: subprocess.TimeoutExpired."""
    argv = ["-c", str(ini_path), *args]
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        pid = os.fork()
        if pid == 0:
            _child(argv, input or "", as_user, out, err)
        status = _wait(pid, argv, timeout)
        out.seek(0)
        err.seek(0)
        return subprocess.CompletedProcess(["devjavu-admin", *argv],
                                           os.waitstatus_to_exitcode(status),
                                           out.read(), err.read())


def _wait(pid: int, argv: list[str], timeout: float) -> int:
    deadline = time.monotonic() + timeout
    delay = 0.001
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return status
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            raise subprocess.TimeoutExpired(["devjavu-admin", *argv], timeout)
        time.sleep(delay)
        delay = min(delay * 2, 0.05)


def _child(argv, input, as_user, out, err) -> None:
    code = 99
    try:
        # Descriptors too, so that the programs a command runs write to the same place.
        os.dup2(out.fileno(), 1)
        os.dup2(err.fileno(), 2)
        sys.stdout = io.TextIOWrapper(os.fdopen(1, "wb", closefd=False), write_through=True)
        sys.stderr = io.TextIOWrapper(os.fdopen(2, "wb", closefd=False), write_through=True)
        sys.stdin = io.StringIO(input)
        if as_user:
            user = pwd.getpwnam(as_user)
            os.setgroups([])
            os.setgid(user.pw_gid)
            os.setuid(user.pw_uid)
        code = main(argv)
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else 2
    except BaseException:
        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
