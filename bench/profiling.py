"""Profiler evidence for the report: py-spy on one of our daemon processes under load.

py-spy goes into a virtualenv of its own in the run's workspace, never into .venv. It
samples only the thread holding the GIL (`--gil`), so the shares below are shares of the
Python CPU time of that process.
"""
import subprocess
import threading
from collections import Counter
from pathlib import Path

from bench.servers import ApacheServer

# Samples per second: a sample stands for 1/RATE s of Python holding the GIL.
RATE = 200


class Profiler:
    def __init__(self, py_spy: Path, output_dir: Path, seconds: int = 8):
        self.py_spy = py_spy
        self.output_dir = output_dir
        self.seconds = seconds

    @classmethod
    def install(cls, venv: Path, output_dir: Path) -> "Profiler":
        subprocess.run(["/usr/bin/python3", "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "pip"), "install", "--quiet",
                        "--disable-pip-version-check", "py-spy"], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        return cls(venv / "bin" / "py-spy", output_dir)

    def record(self, pids: list[int], label: str, load) -> Counter:
        """Collapsed stacks of every process in `pids`, merged, while `load(seconds)`
        runs."""
        slug = label.replace(" ", "-").replace(",", "")
        spies = []
        for pid in pids:
            output = self.output_dir / f"{slug}-{pid}.txt"
            spies.append((output, subprocess.Popen(
                [str(self.py_spy), "record", "--pid", str(pid), "--gil", "--nonblocking",
                 "--rate", str(RATE), "--format", "raw", "--duration", str(self.seconds),
                 "--output", str(output)],
                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)))
        loader = threading.Thread(target=load, args=(self.seconds + 1,))
        loader.start()
        errors = []
        try:
            for _, spy in spies:
                errors.append(spy.communicate(timeout=self.seconds + 60)[1])
        finally:
            loader.join()
        stacks = Counter()
        for output, _ in spies:
            if output.exists():
                for line in output.read_text().splitlines():
                    stack, _, count = line.rpartition(" ")
                    if stack and count.isdigit():
                        stacks[stack] += int(count)
        if not stacks:
            raise RuntimeError(f"py-spy recorded nothing for {label}: {' '.join(errors)}")
        return stacks

    def profile(self, label: str, server: ApacheServer, process_name: str, load,
                every_process: bool = False) -> "Profile":
        """A profile of the first of `server`'s processes named `process_name` (of all
        of them, merged, with `every_process`)."""
        pids = server.processes_named(process_name)
        if not pids:
            return Profile(label, Counter(), f"no process named {process_name} found")
        try:
            return Profile(label, self.record(pids if every_process else pids[:1], label,
                                              load),
                           scope=f"{len(pids)} processes" if every_process else "one process")
        except (RuntimeError, subprocess.TimeoutExpired) as e:
            return Profile(label, Counter(), f"py-spy failed: {e}")


class Profile:
    """Collapsed stacks of one process, and the shares the report quotes."""

    def __init__(self, label: str, stacks: Counter, failure: str = "",
                 scope: str = "one process"):
        self.label = label
        self.scope = scope
        self.stacks = stacks
        self.failure = failure
        self.total = sum(stacks.values())
        self.ours, self.leaves = Counter(), Counter()
        for stack, count in stacks.items():
            frames = [f for f in stack.split(";") if f]
            if not frames:
                continue
            self.leaves[_function(frames[-1])] += count
            project_frames = [f for f in frames if _owner(f) is not None]
            if project_frames and _owner(project_frames[-1]) == "devjavu":
                self.ours[_function(project_frames[-1])] += count

    def share(self, frame_text: str, excluding: tuple[str, ...] = ()) -> float:
        """Share of samples with a frame containing `frame_text` anywhere on the stack
        (e.g. "Environment.__init__ (trac/env.py") and none containing `excluding`."""
        if not self.total:
            return 0.0
        return sum(c for stack, c in self.stacks.items() if frame_text in stack
                   and not any(e in stack for e in excluding)) / self.total

    def self_share(self, function_text: str) -> float:
        """Share of samples spent in a function itself (its frame is the last one)."""
        if not self.total:
            return 0.0
        return sum(c for name, c in self.leaves.items() if function_text in name) / self.total

    def _listing(self, counter: Counter, top: int) -> str:
        return ", ".join(f"{name} {100 * c / self.total:.0f}%"
                         for name, c in counter.most_common(top) if c / self.total >= 0.005)

    @property
    def python_seconds(self) -> float:
        """Seconds during which a profiled process ran Python (held the GIL)."""
        return self.total / RATE

    def our_code(self, top: int = 4) -> str:
        """'DevjaVu's own code 12% (find_project ... 8%, ...)': the deepest DevjaVu
        function on each stack, with the libraries it calls."""
        if not self.total:
            return f"no profile ({self.failure or 'run without --no-profile'})"
        return (f"DevjaVu's own code, with the libraries it calls, "
                f"{100 * sum(self.ours.values()) / self.total:.0f}% of the GIL time "
                f"({self._listing(self.ours, top) or 'nothing'})")

    def summary(self) -> str:
        if self.failure:
            return f"Profile of {self.label}: {self.failure}."
        return (f"Profile of {self.label} (py-spy, {self.total} samples of the thread "
                f"holding the GIL in {self.scope}): {self.our_code(10)}; the rest is "
                f"Trac and what Trac calls. Most self time: {self._listing(self.leaves, 10)}.")


def _function(frame: str) -> str:
    """'render (trac/web/chrome.py:1234)' -> 'render (trac/web/chrome.py)'."""
    name, _, where = frame.partition(" (")
    path = where.rstrip(")").rsplit(":", 1)[0]
    return f"{name} ({path})"


def _owner(frame: str) -> str | None:
    """'devjavu' or 'trac' for a frame of either; None for libraries and the stdlib."""
    path = frame.partition(" (")[2]
    for owner, prefixes in (("devjavu", ("devjavu/", "/devjavu/")),
                            ("trac", ("trac/", "/trac/", "tracopt/", "/tracopt/"))):
        if any(path.startswith(p) or f"/{p.lstrip('/')}" in path for p in prefixes):
            return owner
    return None
