"""Apache's workers and the mod_wsgi daemon never run as root."""
import pwd


def _uid(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("Uid:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def test_only_the_parent_runs_as_root(site):
    run_user = pwd.getpwnam("www-data").pw_uid
    apache_parent = site.apache.descendants()
    uids = {pid: _uid(pid) for pid in apache_parent}
    workers = {pid: uid for pid, uid in uids.items() if uid is not None}
    # The `serve` command execs Apache, so the parent is the process we started.
    assert _uid(site.apache.process.pid) == 0
    assert len(workers) >= 3     # at least one worker and two mod_wsgi daemons
    assert set(workers.values()) == {run_user}
