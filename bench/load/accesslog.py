"""Reading an Apache access log written in our format (apache/httpd.conf.in, `devjavu`):
how many requests an operation made, and how long Apache spent on them (%D)."""
import re
from dataclasses import dataclass
from pathlib import Path

_LINE = re.compile(r'"(?P<request>[^"]*)" (?P<status>\d{3}) \S+ (?P<micros>\d+) ')


@dataclass(frozen=True)
class Traffic:
    requests: int
    server_seconds: float
    statuses: dict[int, int]
    slowest_ms: float = 0.0
    slowest: str = ""

    def describe(self) -> str:
        statuses = ", ".join(f"{n} x {status}" for status, n in sorted(self.statuses.items()))
        return (f"{self.requests} requests ({statuses}), {self.server_seconds:.2f} s in "
                f"Apache, the slowest {self.slowest_ms:.0f} ms ({self.slowest})")


class AccessLog:
    def __init__(self, path: Path):
        self.path = path

    def mark(self) -> int:
        return self.path.stat().st_size if self.path.exists() else 0

    def since(self, mark: int) -> Traffic:
        # rotatelogs may have started the file afresh meanwhile: then count it whole.
        if self.mark() < mark:
            mark = 0
        with open(self.path, errors="replace") as f:
            f.seek(mark)
            text = f.read()
        requests, micros, statuses, slowest = 0, 0, {}, (0, "")
        for match in _LINE.finditer(text):
            requests += 1
            micros += int(match["micros"])
            status = int(match["status"])
            statuses[status] = statuses.get(status, 0) + 1
            slowest = max(slowest, (int(match["micros"]), f"{match['request']} {status}"))
        return Traffic(requests, micros / 1e6, statuses, slowest[0] / 1000, slowest[1])
