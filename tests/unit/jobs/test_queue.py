"""Claiming jobs: queued ones in order, and running ones only when their runner is gone;
a job that blocks writes makes its project read-only until it ends; /_health names jobs
left waiting."""
import os
import socket
import subprocess
from datetime import timedelta

from devjavu.authz.build import SITE_ADMINS_RULE, expected_access, render_project_authz
from devjavu.authz.install import reference_files, validate_authz_file
from devjavu.accounts import users
from devjavu.jobs import queue
from devjavu.models import Job, JobState, Membership, Project, Role
from devjavu.monitor.checks import check_jobs

KINDS = ("test-kind",)


def _project(db, owner_name="owner"):
    owner = users.add_user(db, owner_name, f"{owner_name}@example.com", "a-good-password")
    project = Project(name="alpha", description="")
    db.add(project)
    db.add(Membership(project=project, user=owner, role=Role.OWNER))
    db.flush()
    return project


def _dead_pid() -> int:
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


def test_queued_jobs_are_claimed_once_in_order(site):
    with site.unit_of_work() as db:
        first = queue.enqueue(db, "test-kind", {"n": 1}).id
        second = queue.enqueue(db, "test-kind", {"n": 2}).id
        queue.enqueue(db, "other-kind", {})
    with site.unit_of_work() as db:
        job, resumed = queue.claim_next(db, KINDS)
        assert (job.id, resumed, job.state, job.attempts) == (first, False,
                                                              JobState.RUNNING, 1)
        assert job.runner == f"{socket.gethostname()}:{os.getpid()}"
    with site.unit_of_work() as db:
        assert queue.claim_next(db, KINDS)[0].id == second
    with site.unit_of_work() as db:
        assert queue.claim_next(db, KINDS) is None      # ours are running, by us


def test_a_running_job_is_resumed_only_when_its_runner_is_gone(site):
    host = socket.gethostname()
    with site.unit_of_work() as db:
        alive_here = queue.enqueue(db, "test-kind", {})
        alive_here.state, alive_here.runner = JobState.RUNNING, f"{host}:1"
        elsewhere = queue.enqueue(db, "test-kind", {})
        elsewhere.state, elsewhere.runner = JobState.RUNNING, "other-host:42"
        elsewhere.heartbeat_at = queue.now()
        dead_here = queue.enqueue(db, "test-kind", {})
        dead_here.state, dead_here.runner = JobState.RUNNING, f"{host}:{_dead_pid()}"
        ids = alive_here.id, elsewhere.id, dead_here.id
    with site.unit_of_work() as db:
        job, resumed = queue.claim_next(db, KINDS)
        assert (job.id, resumed) == (ids[2], True)
    with site.unit_of_work() as db:
        assert queue.claim_next(db, KINDS) is None
        db.get(Job, ids[1]).heartbeat_at = queue.now() - queue.STALE_HEARTBEAT * 2
    with site.unit_of_work() as db:
        job, resumed = queue.claim_next(db, KINDS)
        assert (job.id, resumed) == (ids[1], True)


def test_a_job_that_blocks_writes_makes_its_project_read_only_until_it_ends(site):
    with site.unit_of_work() as db:
        project = _project(db)
        job_id = queue.enqueue(db, "test-kind", {}, project, blocks_writes=True).id
    with site.unit_of_work() as db:
        project = db.get(Job, job_id).project
        access = expected_access(db, project)
        assert access == {"owner": "r", "*": "r", SITE_ADMINS_RULE: "r"}
        # Subversion itself reads the file as read-only for everyone named in it.
        path = site.settings.data_dir / "authz-check"
        path.write_text(render_project_authz(project.name, access))
        assert "@site-admins = r\n" in path.read_text()
        with reference_files(site.settings.data_dir) as (no_admins, _):
            validate_authz_file(path, access, no_admins)
        queue.end(db, job_id, JobState.FAILED, "the source went away")
    with site.reading() as db:
        assert expected_access(db, db.get(Job, job_id).project)["owner"] == "r"
    with site.unit_of_work() as db:
        queue.end(db, job_id, JobState.DONE)
    with site.reading() as db:
        assert expected_access(db, db.get(Job, job_id).project) == {"owner": "rw",
                                                                    "*": "r"}


def test_health_names_a_job_nobody_takes(site):
    assert check_jobs(site).ok
    with site.unit_of_work() as db:
        job = queue.enqueue(db, "test-kind", {})
        job.created_at = queue.now() - queue.QUEUED_TOO_LONG - timedelta(minutes=1)
    result = check_jobs(site)
    assert not result.ok and "is the runner (devjavu-jobs) running?" in result.detail
