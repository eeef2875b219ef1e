"""Running wrk over a fixed list of requests and reading its summary."""
import json
import math
import statistics
import string
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

TEMPLATE = Path(__file__).resolve().parent.parent / "templates" / "requests.lua.in"


@dataclass(frozen=True)
class Request:
    path: str
    method: str = "GET"
    headers: tuple[tuple[str, str], ...] = ()
    body: str | None = None


@dataclass(frozen=True)
class WrkResult:
    requests: int
    seconds: float
    errors: int          # connect, read, write, timeouts, and statuses of 400 and above
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    # Filled in by a caller that watched the server's processes during the run.
    cpu_ms_per_request: float | None = None
    busy: float | None = None        # CPU seconds per second of the run

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


class WrkFailed(RuntimeError):
    pass


def _lua_string(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def _lua_spec(request: Request) -> str:
    headers = ", ".join(f"[{_lua_string(k)}] = {_lua_string(v)}" for k, v in request.headers)
    body = _lua_string(request.body) if request.body is not None else "nil"
    return (f"   {{method = {_lua_string(request.method)}, path = {_lua_string(request.path)},"
            f" headers = {{{headers}}}, body = {body}}},")


def lua_script(requests: list[Request]) -> str:
    return string.Template(TEMPLATE.read_text()).substitute(
        specs="\n".join(_lua_spec(r) for r in requests))


# A run that completes fewer requests than this is run again, long enough at the rate it
# showed: a slow contender (Trac as CGI, 16 concurrent logins) would otherwise show
# nothing at all, or a p99 that is its maximum.
MIN_REQUESTS = 30
MAX_SECONDS = 40


def run_wrk(base_url: str, requests: list[Request], seconds: int, connections: int,
            threads: int = 2, min_requests: int = MIN_REQUESTS) -> WrkResult:
    """Closed-loop load: `connections` keep-alive connections for `seconds`; again for
    longer (up to MAX_SECONDS) when fewer than `min_requests` complete."""
    while True:
        result = _run_wrk_once(base_url, requests, seconds, connections, threads)
        if result.requests >= min_requests or seconds >= MAX_SECONDS:
            return result
        wanted = seconds * min_requests / max(result.requests, 1) * 1.2
        seconds = min(MAX_SECONDS, max(2 * seconds, math.ceil(wanted)))


def _run_wrk_once(base_url: str, requests: list[Request], seconds: int, connections: int,
                  threads: int) -> WrkResult:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", prefix="bench-") as script:
        script.write(lua_script(requests))
        script.flush()
        command = ["wrk", f"-t{min(threads, connections)}", f"-c{connections}",
                   f"-d{seconds}s", "--timeout", "60s", "-s", script.name, base_url]
        # wrk stops on its own after `seconds`; the timeout only guards a hang.
        done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 90)
    for line in done.stdout.splitlines():
        if line.startswith("BENCH_JSON "):
            data = json.loads(line[len("BENCH_JSON "):])
            break
    else:
        raise WrkFailed(f"{' '.join(command)}:\n{done.stdout}\n{done.stderr}")
    errors = sum(data[k] for k in ("connect_errors", "read_errors", "write_errors",
                                   "status_errors", "timeouts"))
    return WrkResult(requests=data["requests"], seconds=data["duration_us"] / 1e6,
                     errors=errors, p50_ms=data["p50_us"] / 1000,
                     p90_ms=data["p90_us"] / 1000, p99_ms=data["p99_us"] / 1000,
                     max_ms=data["max_us"] / 1000)


def latency_summary(runs: dict[str, list[WrkResult]]) -> str:
    """One line for the report: each contender's latency, median over the rounds."""
    parts = []
    for name, results in runs.items():
        p50 = statistics.median(r.p50_ms for r in results)
        p99 = statistics.median(r.p99_ms for r in results)
        errors = sum(r.errors for r in results)
        parts.append(f"{name}: p50 {p50:.0f} ms, p99 {p99:.0f} ms, errors {errors}")
    return "Latency under load (median over rounds): " + "; ".join(parts) + "."
