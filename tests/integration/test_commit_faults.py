"""kill -9 of the Apache child serving a commit, at each step of the commit (early: the
transaction just begun; mid-transfer: half the content sent; MERGE: the revision being
written under the repository's write lock), on our site and on a bare mod_dav_svn with
no DevjaVu configuration in the same run. After every kill the client ends (no hang),
the server serves the next commit, and `svnadmin verify` passes on our repository. The
bare server's outcomes are printed beside ours: they are the comparison, not our promise.
"""
import os
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from bench.baselines import render
from bench.servers import bare_apache
from devjavu.apacheconf.render import APACHE_MODULES, TRAC_HTDOCS
from tests.support.apache import site_with_one_project
from tests.support.processes import apache_children
from tests.support.sitedir import free_port
from tests.support.svnclient import SvnClient

pytestmark = pytest.mark.slow

PROJECT = "faults"
USER, PASSWORD = "killer", "killer-secret-1"
# A commit of many files (the report had 1,500; 800 keep the test to about half a
# minute): long enough a MERGE to be killed inside it. Each stage is killed ROUNDS times
# (more rounds, for a closer look, are a change of this number).
FILES, FILE_BYTES = 800, 2048
ROUNDS = 1
STAGES = ("early", "mid-transfer", "merge")
# A stage the watcher did not see in time (the commit was faster) is tried again.
ATTEMPTS = 4
CLIENT_SECONDS = 180


def _write_lock_holder(repository: Path) -> int | None:
    """The pid holding the repository's write lock (held while a revision is written)."""
    inode = os.stat(repository / "db" / "write-lock").st_ino
    with open("/proc/locks") as f:
        for line in f:
            fields = line.split()
            # "1: POSIX  ADVISORY  WRITE 1234 fd:01:5678 0 EOF"
            if len(fields) > 5 and fields[5].rsplit(":", 1)[-1] == str(inode):
                return int(fields[4])
    return None


def _stage_reached(stage: str, repository: Path) -> bool | int:
    if stage == "early":
        return any((repository / "db" / "transactions").iterdir())
    if stage == "mid-transfer":
        return any(p.stat().st_size > FILES * FILE_BYTES // 2
                   for p in (repository / "db" / "txn-protorevs").glob("*.rev"))
    if stage == "merge":
        return _write_lock_holder(repository) or False
    return False                       # "none": a commit left alone


class Server:
    """A server under test: where its repository is, how to reach it, whom to kill."""

    def __init__(self, name: str, url: str, repository: Path, parent_pid, credentials):
        self.name, self.url, self.repository = name, url, repository
        self.parent_pid, self.credentials = parent_pid, credentials


def _commit_with_kill(server: Server, stage: str, workdir: Path) -> dict:
    svn = SvnClient(server.url, workdir)
    wc = Path(tempfile.mkdtemp(dir=workdir, prefix="wc-"))
    svn.run("checkout", "--depth", "empty", svn.url(PROJECT), str(wc), **server.credentials)
    tree = wc / f"tree-{time.monotonic_ns()}"
    tree.mkdir()
    for n in range(FILES):
        (tree / f"f{n}.bin").write_bytes(os.urandom(FILE_BYTES))
    svn.run("add", "-q", str(tree))
    before = int(subprocess.run(["svnlook", "youngest", str(server.repository)],
                                capture_output=True, text=True, check=True).stdout)
    command = ["svn", "--non-interactive", "--no-auth-cache", "--config-dir",
               str(svn.config_dir), "commit", "-m", f"{stage} kill", str(wc)]
    user, password = server.credentials.get("user"), server.credentials.get("password")
    if user:
        command += ["--username", user, "--password-from-stdin"]
    # Its stdout, a line per file, is not read: a pipe would fill and stop the client.
    errors = open(workdir / f"{stage}-errors.txt", "w+")
    client = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                              stderr=errors, text=True)
    if password:
        client.stdin.write(password + "\n")
    client.stdin.close()
    killed = []
    while client.poll() is None and not killed:
        reached = _stage_reached(stage, server.repository)
        if not reached:
            time.sleep(0.001)       # polls a thousand times a second, leaving the CPU
        else:
            targets = [reached] if stage == "merge" else apache_children(server.parent_pid())
            for pid in targets:
                try:
                    os.kill(pid, signal.SIGKILL)
                    killed.append(pid)
                except ProcessLookupError:
                    pass
    try:
        client.wait(timeout=CLIENT_SECONDS)
        hung = False
    except subprocess.TimeoutExpired:
        client.kill()
        client.wait()
        hung = True
    after = int(subprocess.run(["svnlook", "youngest", str(server.repository)],
                               capture_output=True, text=True, check=True).stdout)
    verify = subprocess.run(["svnadmin", "verify", "-q", str(server.repository)],
                            capture_output=True, text=True)
    return {"server": server.name, "stage": stage, "killed": bool(killed), "hung": hung,
            "client_ok": client.returncode == 0, "landed": after > before,
            "verify_ok": verify.returncode == 0, "verify": verify.stderr.strip()[-300:],
            "client": _read_and_close(errors)[-300:]}


def _read_and_close(file) -> str:
    file.seek(0)
    text = file.read().strip()
    file.close()
    return text


def _trials(server: Server, workdir: Path) -> list[dict]:
    results = []
    for stage in STAGES * ROUNDS:
        for _ in range(ATTEMPTS):
            result = _commit_with_kill(server, stage, workdir)
            results.append(result)
            if result["killed"]:
                break
    return results


@pytest.fixture(scope="module")
def our_server():
    with site_with_one_project(PROJECT, USER, PASSWORD) as (sitedir, apache):
        yield Server("ours", sitedir.http_url, sitedir.data_dir / "repos" / PROJECT,
                     lambda: apache.process.pid, {"user": USER, "password": PASSWORD})


@pytest.fixture(scope="module")
def bare_server():
    """mod_dav_svn with no authentication, with the server-wide settings of ours."""
    root = Path(tempfile.mkdtemp(prefix="devjavu-bare-"))
    os.chmod(root, 0o755)
    repos, logs = root / "repos", root / "logs"
    repos.mkdir()
    logs.mkdir()
    subprocess.run(["svnadmin", "create", str(repos / PROJECT)], check=True)
    run_user = "www-data"          # development.ini's, as for our server
    subprocess.run(["chown", "-R", f"{run_user}:{run_user}", str(repos), str(logs)],
                   check=True)
    port = free_port()
    conf = root / "httpd.conf"
    conf.write_text(render(["common.conf.in", "svn-noauth.conf.in"], {
        "description": "bare mod_dav_svn for the commit kill test", "server_root": root,
        "run_user": run_user, "modules": APACHE_MODULES, "port": port, "log_dir": logs,
        "name": "bare", "trac_htdocs": TRAC_HTDOCS, "repos_dir": repos,
        "logging": f'ErrorLog "{logs}/bare.error.log"'}))
    server = bare_apache("bare", conf, port, logs)
    server.start(timeout=60)
    try:
        yield Server("bare", server.url, repos / PROJECT, lambda: server.process.pid, {})
    finally:
        server.stop()
        subprocess.run(["rm", "-rf", str(root)])


def test_a_killed_commit_never_corrupts_a_repository(our_server, bare_server, tmp_path,
                                                    capsys):
    results = _trials(our_server, tmp_path) + _trials(bare_server, tmp_path)
    with capsys.disabled():
        for r in results:
            print(f"\ncommit kill: {r['server']:4} {r['stage']:12} killed={r['killed']} "
                  f"client_ok={r['client_ok']} landed={r['landed']} verify_ok={r['verify_ok']}"
                  f" hung={r['hung']} {r['verify'] or ''} {r['client'][-120:]!r}")
    ours = [r for r in results if r["server"] == "ours"]
    assert [r for r in ours if r["hung"]] == []
    assert [r for r in ours if not r["verify_ok"]] == []
    kills = [r["stage"] for r in ours if r["killed"]]
    assert sorted(kills) == sorted(STAGES * ROUNDS), kills
    # After every kill the server still takes a commit.
    after = _commit_with_kill(our_server, "none", tmp_path)
    assert after["client_ok"] and after["landed"] and after["verify_ok"]
