"""Starting an Apache (ours through `devjavu-admin serve`, or a bare baseline from its
own config) on a loopback port, finding its processes, and always stopping it."""
import os
import socket
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

from tests.support.processes import descendants, stop_group

APACHE_BINARY = "/usr/sbin/apache2"
# A server has started once its processes are idle, not when its port opens: our Apache's
# children load the svn auth provider's Python as they start, and a first round measured
# meanwhile ran at half the rate of the others.
QUIET_INTERVAL_S = 0.5
QUIET_CPU_SHARE = 0.05        # of one CPU, over QUIET_INTERVAL_S
QUIET_TIMEOUT_S = 60


class ServerFailed(RuntimeError):
    """An Apache did not come up; the message carries its logs."""


def process_name(pid: int) -> str:
    """argv[0], which mod_wsgi's display-name sets for its daemon processes."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().split(b"\0")[0].decode(errors="replace").strip()
    except OSError:
        return ""


def resident_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def open_files(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/fd"))


class ApacheServer:
    """One Apache in the foreground, as a process group of its own."""

    def __init__(self, name: str, command: list[str], port: int, log_dir: Path,
                 error_log: Path, conf: Path | None = None):
        self.name = name
        self.command = command
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.error_log = error_log
        self.console_log = log_dir / f"{name}.console.log"
        self.process: subprocess.Popen | None = None
        self.conf = conf          # the bare baselines' own config; ours renders its own

    def start(self, timeout: float = 300) -> None:
        with open(self.console_log, "w") as console:
            self.process = subprocess.Popen(self.command, stdout=console,
                                            stderr=subprocess.STDOUT,
                                            start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise ServerFailed(f"{self.name} exited with {self.process.returncode}:\n"
                                   f"{self.logs()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    break
            except OSError:
                time.sleep(0.2)
        else:
            self.stop()
            raise ServerFailed(f"{self.name}: nothing listening on {self.port}:\n"
                               f"{self.logs()}")
        self._wait_until_quiet()

    def _cpu_by_process(self) -> dict[int, float]:
        used = {}
        for pid in self.descendants() | {self.process.pid}:
            try:
                used[pid] = cpu_seconds(pid)
            except OSError:           # exited meanwhile
                continue
        return used

    def _wait_until_quiet(self) -> None:
        """Until the server's processes, together, use less than QUIET_CPU_SHARE of a
        CPU over QUIET_INTERVAL_S (at most QUIET_TIMEOUT_S)."""
        started = time.monotonic()
        before = self._cpu_by_process()
        while time.monotonic() - started < QUIET_TIMEOUT_S:
            time.sleep(QUIET_INTERVAL_S)
            now = self._cpu_by_process()
            busy = sum(now[pid] - before.get(pid, 0.0) for pid in now)
            if busy < QUIET_CPU_SHARE * QUIET_INTERVAL_S:
                return
            before = now

    def logs(self) -> str:
        texts = []
        for path in (self.console_log, self.error_log):
            if path.exists():
                texts.append(path.read_text(errors="replace")[-4000:])
        return "\n".join(texts)

    def descendants(self) -> set[int]:
        return descendants(self.process.pid)

    def processes_named(self, name: str) -> list[int]:
        return sorted(pid for pid in self.descendants() if process_name(pid) == name)

    def stop(self) -> None:
        """SIGTERM as a service manager would, then SIGKILL for whatever is left."""
        if self.process is None:
            return
        stop_group(self.process, wait_seconds=30)
        self.process = None


@contextmanager
def running(*servers: ApacheServer):
    """Start every server; stop all that started, whatever happens."""
    started = []
    try:
        for server in servers:
            server.start()
            started.append(server)
        yield servers
    finally:
        for server in reversed(started):
            server.stop()


def bare_apache(name: str, conf: Path, port: int, log_dir: Path) -> ApacheServer:
    return ApacheServer(name, [APACHE_BINARY, "-f", str(conf), "-DFOREGROUND"], port,
                        log_dir, log_dir / f"{name}.error.log", conf)


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time the process has used so far."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
