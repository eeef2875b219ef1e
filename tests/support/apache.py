"""Starting the real Apache on a SiteDir, through `devjavu-admin serve`, and stopping it."""
import os
import signal
import socket
import subprocess
import time

from devjavu.settings import SOURCE_ROOT
from tests.support.sitedir import SiteDir

ADMIN = str(SOURCE_ROOT / ".venv" / "bin" / "devjavu-admin")


def admin(site: SiteDir, *args: str, input: str | None = None,
          check: bool = True) -> subprocess.CompletedProcess:
    """Run devjavu-admin for `site` (as the tests' user: root drops to www-data)."""
    result = subprocess.run([ADMIN, "-c", str(site.ini_path), *args], input=input,
                            capture_output=True, text=True, timeout=120)
    if check and result.returncode != 0:
        raise AssertionError(f"devjavu-admin {' '.join(args)} failed "
                             f"({result.returncode}):\n{result.stdout}{result.stderr}")
    return result


def _wait_for_port(port: int, process: subprocess.Popen, deadline: float) -> None:
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"Apache exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listening on port {port}")


class RunningApache:
    def __init__(self, site: SiteDir):
        self.site = site
        self.log = open(site.root / "serve.log", "w")
        self.process = subprocess.Popen([ADMIN, "-c", str(site.ini_path), "serve"],
                                        stdout=self.log, stderr=subprocess.STDOUT,
                                        start_new_session=True)
        deadline = time.monotonic() + 60
        try:
            _wait_for_port(site.http_port, self.process, deadline)
            _wait_for_port(site.https_port, self.process, deadline)
        except RuntimeError as e:
            self.stop()
            raise RuntimeError(f"{e}:\n{(site.root / 'serve.log').read_text()}\n"
                               f"{self.error_log()}") from None

    def error_log(self) -> str:
        path = self.site.data_dir / "logs" / "error.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def descendants(self) -> set[int]:
        children: dict[int, list[int]] = {}
        for pid in filter(str.isdigit, os.listdir("/proc")):
            try:
                with open(f"/proc/{pid}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(pid))
        found, todo = set(), [self.process.pid]
        while todo:
            for child in children.get(todo.pop(), []):
                if child not in found:
                    found.add(child)
                    todo.append(child)
        return found

    def stop(self) -> set[int]:
        """SIGTERM, as Ctrl-C or a service manager would. Returns the pids of Apache's
        processes (workers, mod_wsgi daemons) that were still alive afterwards."""
        family = self.descendants() | {self.process.pid}
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        self.log.close()
        deadline = time.monotonic() + 10
        alive = family
        while alive and time.monotonic() < deadline:
            alive = {pid for pid in family if _alive(pid)}
            time.sleep(0.1)
        for pid in alive:
            os.kill(pid, signal.SIGKILL)
        return alive


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False
