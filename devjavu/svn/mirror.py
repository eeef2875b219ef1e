"""Copying a live repository's history into a project's repository with svnsync.

Credentials never reach a command line (where `ps` shows them): the probe
(sourceprobe.py) reads the password from its standard input and leaves it, as
Subversion's own auth cache, in a temporary configuration directory that only the run
user can read; svnsync finds it there, without any prompt. svnsync, like the probe,
refuses to follow a redirect (E170011), so a source cannot send the server elsewhere. The directory is removed when the copy ends (`SourceSession`).
Every program runs in the background (devjavu/lowpriority.py).
"""
import json
import os
import re
import shutil
import subprocess
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from devjavu.lowpriority import low_priority

# No answer from an http(s) source for this long ends the attempt (seconds).
HTTP_TIMEOUT_SECONDS = 120
PROBE_TIMEOUT_SECONDS = 60
PROBE_SCRIPT = str(Path(__file__).resolve().parent / "sourceprobe.py")
_COMMITTED = re.compile(rb"Committed revision (\d+)\.")
_SYNC_FROM = "svn:sync-from-url"


class MirrorError(RuntimeError):
    """The source could not be read or copied; the message is Subversion's own."""


def _svn_message(stderr: bytes) -> str:
    lines = [line.strip() for line in stderr.decode("utf-8", "replace").splitlines()
             if line.strip()]
    errors = [line for line in lines if line.startswith(("svn:", "svnsync:"))]
    return " ".join((errors or lines)[-2:])[:500] or "no message"


class SourceSession:
    """One temporary Subversion configuration for talking to a source repository."""

    def __init__(self, config_dir: Path, url: str, username: str | None, python: str):
        self.config_dir = config_dir
        self.url = url
        self.username = username
        self.python = python

    def _options(self) -> list[str]:
        return ["--non-interactive", "--config-dir", str(self.config_dir),
                "--config-option", f"servers:global:http-timeout={HTTP_TIMEOUT_SECONDS}"]

    def youngest_revision(self, password: str | None = None) -> int:
        """The source's youngest revision; with a password, also caches it here for
        svnsync. Raises MirrorError if the source is not a repository we can read.
        Read by devjavu/svn/sourceprobe.py in its own process (a redirect is refused,
        and a source that does not answer is given up after a while)."""
        request = json.dumps({"url": self.url, "username": self.username or "",
                              "password": password or ""})
        command = [self.python, "-I", PROBE_SCRIPT, self.config_dir]
        try:
            result = subprocess.run(low_priority(command), capture_output=True,
                                    input=request.encode(), timeout=PROBE_TIMEOUT_SECONDS,
                                    start_new_session=True)
        except subprocess.TimeoutExpired:
            raise MirrorError(f"{self.url} did not answer within "
                              f"{PROBE_TIMEOUT_SECONDS} s.") from None
        try:
            answer = json.loads(result.stdout)
        except ValueError:
            answer = {"error": _svn_message(result.stderr)}
        if "youngest" not in answer:
            raise MirrorError(f"{self.url} cannot be read as a Subversion repository: "
                              f"{answer.get('error')}")
        return int(answer["youngest"])

    def _svnsync(self, *args: str) -> list[str]:
        command = ["svnsync", *args, *self._options()]
        if self.username:
            command += ["--source-username", self.username]
        return low_priority(command)

    def initialize(self, destination: Path) -> None:
        """Point the empty `destination` at the source (once; again after a kill)."""
        if sync_source_of(destination) is not None:
            return
        result = subprocess.run(self._svnsync("initialize", "--steal-lock",
                                              destination.as_uri(), self.url),
                                stdin=subprocess.DEVNULL, capture_output=True,
                                start_new_session=True)
        if result.returncode != 0:
            raise MirrorError(f"svnsync could not start: {_svn_message(result.stderr)}")

    def synchronize(self, destination: Path, on_revision: Callable[[int], None]) -> None:
        """Copy every revision the destination lacks, calling `on_revision` after each.
        --steal-lock: a killed run leaves its lock; only one runner copies a project."""
        with tempfile.TemporaryFile() as errors:
            process = subprocess.Popen(self._svnsync("synchronize", "--steal-lock",
                                                     destination.as_uri()),
                                       stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                       stderr=errors, start_new_session=True)
            for line in process.stdout:
                match = _COMMITTED.match(line)
                if match:
                    on_revision(int(match.group(1)))
            if process.wait() != 0:
                errors.seek(0)
                raise MirrorError(f"svnsync stopped: {_svn_message(errors.read())}")


_SESSION_PREFIX = "svn-config-"


def remove_abandoned_sessions(work_dir: Path) -> int:
    """Remove the configurations (and cached passwords) of sessions whose process was
    killed before it could; returns how many went."""
    removed = 0
    for path in work_dir.glob(f"{_SESSION_PREFIX}*"):
        pid = path.name[len(_SESSION_PREFIX):].split("-", 1)[0]
        if pid.isdigit() and _alive(int(pid)):
            continue
        shutil.rmtree(path, ignore_errors=True)
        removed += 1
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextmanager
def source_session(work_dir: Path, url: str, username: str | None,
                   python: str) -> Iterator[SourceSession]:
    """A SourceSession whose configuration (and any password cached in it) is removed
    when the block ends, however it ends; a killed process's is removed by the next."""
    work_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    remove_abandoned_sessions(work_dir)
    config_dir = Path(tempfile.mkdtemp(prefix=f"{_SESSION_PREFIX}{os.getpid()}-",
                                       dir=work_dir))
    try:
        os.chmod(config_dir, 0o700)
        yield SourceSession(config_dir, url, username, python)
    finally:
        shutil.rmtree(config_dir, ignore_errors=True)


def sync_source_of(repository: Path) -> str | None:
    """The URL svnsync copies `repository` from (revision 0's svn:sync-from-url), if any."""
    result = subprocess.run(["svnlook", "propget", "--revprop", "-r", "0", str(repository),
                             _SYNC_FROM], capture_output=True)
    if result.returncode != 0:
        return None
    return result.stdout.decode("utf-8", "replace").strip() or None
