"""Each Apache child's record, for the unclean-end check (devjavu/svn/childwatch.py).

Apache's children serve /svn, so they write every revision. Each leaves a record in
`<data_dir>/children/` as it starts (its pid, its start time in the kernel's ticks
against pid reuse, and the wall-clock time) and removes it at an orderly exit (mod_wsgi
runs `atexit` handlers when a child stops). A record whose process is gone is an unclean
end. This part runs in the children themselves (apache/svnauth.wsgi.in); the check that
follows an unclean end runs in the health checks and at every start.
"""
import atexit
import math
import os
from dataclasses import dataclass
from pathlib import Path

from devjavu.settings import Settings


@dataclass(frozen=True)
class ChildRecord:
    pid: int
    start_ticks: int
    started_at: float

    @property
    def file_name(self) -> str:
        return f"{self.pid}-{self.start_ticks}-{self.started_at:.0f}"

    @classmethod
    def parse(cls, name: str) -> "ChildRecord | None":
        parts = name.split("-")
        if len(parts) != 3 or not all(p.isdigit() for p in parts):
            return None
        return cls(int(parts[0]), int(parts[1]), float(parts[2]))

    def ended(self) -> bool:
        return _start_ticks(self.pid) != self.start_ticks


def _start_ticks(pid: int) -> int | None:
    """The process's start time since boot, or None when there is no such process (or
    only its exit status is left: a zombie nobody has reaped yet)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return None if fields[0] in ("Z", "X") else int(fields[19])
    except (OSError, IndexError, ValueError):
        return None


def _wall_clock_of(ticks: int) -> float:
    """When a process that started `ticks` after boot started, by the wall clock: the
    child's fork, not the later moment this code ran in it (imports take seconds on a
    busy machine, and requests may be served meanwhile), one second early at most."""
    with open("/proc/stat") as f:
        boot = next(int(line.split()[1]) for line in f if line.startswith("btime "))
    return math.floor(boot + ticks / os.sysconf("SC_CLK_TCK")) - 1


def children_dir(settings: Settings) -> Path:
    return settings.data_dir / "children"


def watch_this_child(settings: Settings) -> None:
    """Called once in each Apache child as it starts: the record, and its removal at an
    orderly exit."""
    ticks = _start_ticks(os.getpid())
    record = ChildRecord(os.getpid(), ticks, _wall_clock_of(ticks))
    directory = children_dir(settings)
    directory.mkdir(mode=0o700, exist_ok=True)
    path = directory / record.file_name
    path.touch()
    atexit.register(remove_record, path)


def remove_record(path: Path) -> None:
    try:
        path.unlink()
    except FileNotFoundError:
        pass


def unclean_ends(settings: Settings) -> list[ChildRecord]:
    try:
        names = os.listdir(children_dir(settings))
    except FileNotFoundError:
        return []
    records = [ChildRecord.parse(name) for name in names]
    return [record for record in records if record is not None and record.ended()]
