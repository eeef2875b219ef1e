"""Starting the real Apache on a SiteDir, through `devjavu-admin serve`, and stopping it."""
import os
import socket
import subprocess
import time
from contextlib import contextmanager

from devjavu.settings import SOURCE_ROOT
from tests.support.cliprocess import run_admin
from tests.support.processes import descendants, stop_group
from tests.support.sitedir import SiteDir

ADMIN = str(SOURCE_ROOT / ".venv" / "bin" / "devjavu-admin")


def admin(site: SiteDir, *args: str, input: str | None = None,
          check: bool = True) -> subprocess.CompletedProcess:
    """Run devjavu-admin for `site` (as the tests' user: root drops to www-data), in a
    forked child of this process (tests/support/cliprocess.py: the same code as the
    installed command, without a second of Python start-up and imports per call)."""
    result = run_admin(site.ini_path, *args, input=input)
    if check and result.returncode != 0:
        raise AssertionError(f"devjavu-admin {' '.join(args)} failed "
                             f"({result.returncode}):\n{result.stdout}{result.stderr}")
    return result


def wait_for_port(port: int, process: subprocess.Popen, deadline: float) -> None:
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
    def __init__(self, site: SiteDir, prefix: tuple[str, ...] = ()):
        """`prefix`: a command that runs `serve` (setpriv, as a service manager would)."""
        self.site = site
        self.log = open(site.root / "serve.log", "w")
        self.process = subprocess.Popen([*prefix, ADMIN, "-c", str(site.ini_path), "serve"],
                                        stdout=self.log, stderr=subprocess.STDOUT,
                                        start_new_session=True)
        deadline = time.monotonic() + 60
        try:
            wait_for_port(site.http_port, self.process, deadline)
            wait_for_port(site.https_port, self.process, deadline)
        except RuntimeError as e:
            self.stop()
            raise RuntimeError(f"{e}:\n{(site.root / 'serve.log').read_text()}\n"
                               f"{self.error_log()}") from None

    def error_log(self) -> str:
        path = self.site.log_dir / "error.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def descendants(self) -> set[int]:
        return descendants(self.process.pid)

    def daemon_rss_kib(self) -> dict[int, int]:
        """The resident memory of each mod_wsgi daemon process, by pid."""
        sizes = {}
        for pid in self.descendants():
            try:
                with open(f"/proc/{pid}/cmdline", "rb") as f:
                    if not f.read().startswith(b"devjavu-wsgi"):
                        continue
                with open(f"/proc/{pid}/status") as f:
                    rss = next(line for line in f if line.startswith("VmRSS:"))
                sizes[pid] = int(rss.split()[1])
            except (OSError, StopIteration):
                continue
        return sizes

    def daemons_with_open(self, path) -> set[int]:
        """The mod_wsgi daemon processes that have the file at `path` open (a Trac
        environment's database stays open in each process that served a page of it)."""
        target = os.path.realpath(path)
        found = set()
        for pid in self.daemon_rss_kib():
            try:
                for fd in os.listdir(f"/proc/{pid}/fd"):
                    if os.path.realpath(f"/proc/{pid}/fd/{fd}") == target:
                        found.add(pid)
                        break
            except OSError:
                continue
        return found

    def error_lines(self, last: int = 80) -> str:
        """Apache's error logs, less its start-up notices: what a failed request left."""
        lines = []
        # Oldest first: error.log.N ... error.log.1, then error.log (see logwriter).
        paths = self.site.log_dir.glob("error.log*")
        for path in sorted(paths, key=lambda p: -int(p.suffix[1:]) if p.suffix[1:].isdigit()
                           else 0):
            lines += [line for line in path.read_text(errors="replace").splitlines()
                      if "[ssl:warn]" not in line and "[mpm_event:notice]" not in line]
        return "\n".join(lines[-last:])

    def stop(self) -> set[int]:
        """SIGTERM, as Ctrl-C or a service manager would. Returns the pids of Apache's
        processes (workers, mod_wsgi daemons) that were still alive afterwards."""
        left = stop_group(self.process, wait_seconds=20)
        self.log.close()
        return left


class RunningSite:
    """A site served by the real Apache, with its CLI: the `running_site` fixtures."""

    def __init__(self, sitedir: SiteDir, apache: RunningApache):
        self.dir = sitedir
        self.apache = apache
        self.http_url = sitedir.http_url
        self.https_url = sitedir.https_url

    def admin(self, *args, input=None, check=True):
        return admin(self.dir, *args, input=input, check=check)


@contextmanager
def site_with_one_project(project: str, owner: str, password: str):
    """A new site whose one project belongs to `owner`, served by the real Apache:
    yields (SiteDir, RunningApache); stops and removes them after."""
    sitedir = SiteDir()
    try:
        admin(sitedir, "migrate")
        admin(sitedir, "user", "add", owner, "--email", f"{owner}@example.com",
              input=password + "\n")
        admin(sitedir, "project", "add", project, "--owner", owner)
        apache = RunningApache(sitedir)
        try:
            yield sitedir, apache
        finally:
            if apache.process.poll() is None:
                apache.stop()
    finally:
        sitedir.remove()
