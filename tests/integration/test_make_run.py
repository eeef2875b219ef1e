"""`make run` serves a site and Ctrl-C stops all of it."""
import os
import signal
import subprocess
import time

import requests

from devjavu.settings import SOURCE_ROOT
from tests.support.apache import wait_for_port, admin
from tests.support.processes import alive
from tests.support.sitedir import SiteDir


def test_make_run_serves_and_ctrl_c_stops_everything():
    sitedir = SiteDir()
    try:
        process = subprocess.Popen(["make", "--no-print-directory", "run",
                                    f"INI={sitedir.ini_path}"], cwd=SOURCE_ROOT,
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                   start_new_session=True)
        try:
            wait_for_port(sitedir.http_port, process, time.monotonic() + 120)
            wait_for_port(sitedir.https_port, process, time.monotonic() + 30)
            assert requests.get(sitedir.http_url + "/_health").json()["status"] == "ok"
            certificate = sitedir.ssl_dir / "server.crt"
            assert requests.get(sitedir.https_url + "/", verify=certificate).status_code == 200
            assert (sitedir.data_dir / "devjavu.sqlite").exists()
            group = _process_group(process.pid)
            # Ctrl-C: the terminal sends SIGINT to the whole foreground process group.
            os.killpg(process.pid, signal.SIGINT)
            process.wait(timeout=30)
            deadline = time.monotonic() + 15
            while any(alive(pid) for pid in group) and time.monotonic() < deadline:
                time.sleep(0.2)
            assert [pid for pid in group if alive(pid)] == []
            # A new site takes no sign-up before it has an admin: make run says how.
            output = process.stdout.read().decode()
            assert f"-c {sitedir.ini_path} user add NAME --email EMAIL --admin" in output
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        # The first start made the database; a user can be added to it right away.
        admin(sitedir, "user", "add", "first", "--email", "f@example.com",
              input="first-password\n")
    finally:
        sitedir.remove()


def _process_group(pgid: int) -> list[int]:
    pids = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if os.getpgid(int(pid)) == pgid:
                pids.append(int(pid))
        except ProcessLookupError:
            continue
    return pids
