"""A commit SIGKILLed half-way, at the one step that leaves a repository refusing every
later commit: FSFS has written the new revision's properties to their final file and made
it read-only, and has not yet moved `db/current` on (devjavu/svn/fsfs.py).

strace holds the committing process right after that chmod (`delay_exit` on the one
syscall that touches the file: Subversion's own step, not a copy of it); the test then
kills the process there, as a SIGKILL, an OOM kill or a crash would.
"""
import os
import signal
import stat
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

from devjavu.svn.fsfs import youngest_on_disk

HOLD_MICROSECONDS = 60_000_000
WAIT_SECONDS = 60


def next_revprops_file(repository: Path) -> Path:
    """The properties file of the revision after the youngest (a sharded FSFS of 1000)."""
    revision = youngest_on_disk(repository) + 1
    return repository / "db" / "revprops" / str(revision // 1000) / str(revision)


def _strace(revprops: Path, *target: str) -> list[str]:
    return ["strace", "-f", "-qq", "-o", "/dev/null", "-P", str(revprops),
            "-e", "trace=chmod", "-e", f"inject=chmod:delay_exit={HOLD_MICROSECONDS}",
            *target]


def wait_until_read_only(path: Path, process: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        try:
            if not path.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
                return
        except FileNotFoundError:
            pass
        assert process is None or process.poll() is None, "the commit ended on its own"
        assert time.monotonic() < deadline, f"{path} was never written read-only"
        time.sleep(0.02)


def kill_commit_half_way(repository: Path, command: list[str]) -> None:
    """Run `command` (a commit to `repository` by a local client) and kill it at that
    step. The commit then never happened: the youngest revision stays where it was."""
    revprops = next_revprops_file(repository)
    youngest = youngest_on_disk(repository)
    process = subprocess.Popen(_strace(revprops, *command), start_new_session=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until_read_only(revprops, process)
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    assert youngest_on_disk(repository) == youngest


def _tracer_of(task_status: Path) -> int:
    try:
        text = task_status.read_text()
    except OSError:
        return -1                       # the thread ended: nothing to wait for
    return int(text.split("TracerPid:", 1)[1].split()[0])


def _wait_until_traced(pids: list[int]) -> None:
    """strace attaches to every thread of every process, one by one."""
    deadline = time.monotonic() + WAIT_SECONDS
    while any(_tracer_of(status) == 0 for pid in pids
              for status in Path(f"/proc/{pid}/task").glob("*/status")):
        assert time.monotonic() < deadline, "strace did not attach"
        time.sleep(0.05)


@contextmanager
def holding_half_way(repository: Path, pids: list[int]):
    """While the block runs, any of the processes `pids` (Apache's children, say) that
    commits to `repository` is held at that step; yields the file to watch."""
    revprops = next_revprops_file(repository)
    tracer = subprocess.Popen(_strace(revprops, *[a for pid in pids
                                                  for a in ("-p", str(pid))]),
                              start_new_session=True, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        _wait_until_traced(pids)
        yield revprops
    finally:
        tracer.kill()
        tracer.wait()
