"""Apache's workers and the mod_wsgi daemon never run as root."""
import pwd

import requests


def _uid(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("Uid:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def _is_log_rotator(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return b"devjavu/apacheconf/logwriter.py" in f.read()
    except OSError:
        return False


def test_only_the_parent_runs_as_root(running_site):
    """Workers and daemons run as www-data. The piped log writers stay root's, as
    Apache starts them before it drops privileges; they only write the log files."""
    run_user = pwd.getpwnam("www-data").pw_uid
    # A request through a worker to the daemon: both have surely started by its answer.
    assert requests.get(running_site.http_url + "/_health").status_code == 200
    children = [pid for pid in running_site.apache.descendants() if not _is_log_rotator(pid)]
    uids = {pid: _uid(pid) for pid in children}
    workers = {pid: uid for pid, uid in uids.items() if uid is not None}
    # The `serve` command execs Apache, so the parent is the process we started.
    assert _uid(running_site.apache.process.pid) == 0
    assert len(workers) >= 3     # at least one worker and two mod_wsgi daemons
    assert set(workers.values()) == {run_user}
