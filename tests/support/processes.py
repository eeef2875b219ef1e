"""An Apache and what it started, seen through /proc: the tree of its processes, and
stopping all of them. Shared by the tests' Apache and the benchmark's servers."""
import os
import signal
import subprocess
import time


def _parent_of(pid: str) -> int | None:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return int(f.read().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None


def alive(pid: int) -> bool:
    """The process exists and is not a zombie."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def descendants(root: int) -> set[int]:
    """Every process below `root`, at any depth."""
    children: dict[int, list[int]] = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        parent = _parent_of(pid)
        if parent is not None:
            children.setdefault(parent, []).append(int(pid))
    found, todo = set(), [root]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def apache_children(parent: int) -> list[int]:
    """Apache's own children (they serve /svn) of the Apache parent `parent`: not its
    mod_wsgi daemons, which are renamed, nor its piped loggers."""
    children = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        if _parent_of(pid) != parent:
            continue
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                if f.read().split(b"\0")[0].endswith(b"apache2"):
                    children.append(int(pid))
        except OSError:
            continue
    return children


def processes_naming(text: str) -> list[str]:
    """Command lines of every process on the machine that mention `text` (a hook's
    background child is reparented away from Apache, so look everywhere)."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                command = f.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if text in command:
            found.append(command)
    return found


def stop_group(process: subprocess.Popen, wait_seconds: float) -> set[int]:
    """SIGTERM to `process` (the leader of its own session), as Ctrl-C or a service
    manager would; SIGKILL to its group if it has not exited within `wait_seconds`.
    Returns the pids of its family still alive 10 s later, which are then killed."""
    family = descendants(process.pid) | {process.pid}
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=wait_seconds)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
    deadline = time.monotonic() + 10
    left = family
    while left and time.monotonic() < deadline:
        left = {pid for pid in family if alive(pid)}
        time.sleep(0.1)
    for pid in left:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    return left
