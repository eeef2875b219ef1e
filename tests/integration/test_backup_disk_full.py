"""A full disk, for real: the site's data directory and its backups on a small tmpfs.

A backup that would not fit refuses to start; one whose disk fills while it runs
(another writer) removes its partial output. Either way the live data and the previous
backup stay byte-identical, authz and the database stay valid, and /_health says so.
"""
import hashlib
import os
import subprocess
import threading
import time

import pytest
import requests

from tests.support.authzfiles import svnauthz
from tests.support.apache import RunningApache, admin
from tests.support.sitedir import SiteDir
from tests.support.tmpfs import fill, mounted_tmpfs
from tests.support.trac import trac_shows_changeset


def _tree_digest(*paths) -> dict[str, str]:
    digest = {}
    for root in paths:
        if root.is_file():
            digest[str(root)] = hashlib.sha256(root.read_bytes()).hexdigest()
            continue
        for directory, _dirs, files in os.walk(root):
            for name in files:
                path = os.path.join(directory, name)
                with open(path, "rb") as f:
                    digest[path] = hashlib.sha256(f.read()).hexdigest()
    return digest


@pytest.fixture(scope="module")
def small_site(svn_module_client):
    with mounted_tmpfs("24m") as disk:
        # /_health runs its checks afresh, to show each step's outcome at once.
        sitedir = SiteDir(data_dir=disk / "var", **{"devjavu.disk_reserve": "2M",
                                                    "devjavu.health_cache_seconds": "0"})
        try:
            admin(sitedir, "migrate")
            admin(sitedir, "user", "add", "olga", "--email", "o@example.com",
                  input="olga-password\n")
            for name in ("alpha", "beta"):
                admin(sitedir, "project", "add", name, "--owner", "olga")
            apache = RunningApache(sitedir)
            try:
                client = svn_module_client(sitedir.http_url)
                wc = client.checkout("alpha", user="olga", password="olga-password")
                client.add_file(wc, "blob.bin", os.urandom(1 << 20).hex()[:1 << 20])
                client.commit(wc, "a megabyte", user="olga", password="olga-password")
                # Trac syncs its cache when the page is read: let it, so that nothing
                # but the test's own steps writes the data directory.
                assert trac_shows_changeset(sitedir.http_url, "alpha", 1)
                admin(sitedir, "backup", "--quiet")
                yield sitedir, disk
            finally:
                assert not apache.stop()
        finally:
            sitedir.remove()


@pytest.fixture(scope="module")
def svn_module_client(tmp_path_factory):
    from tests.support.svnclient import SvnClient
    return lambda base: SvnClient(base, tmp_path_factory.mktemp("svn-disk"))


def _state(sitedir):
    data = sitedir.data_dir
    live = _tree_digest(data / "repos", data / "trac", data / "devjavu.sqlite")
    backups = _tree_digest(*sorted(sitedir.backup_dir.glob("2*")))
    return live, backups


def _assert_untouched(sitedir, before):
    assert _state(sitedir) == before
    backups = sitedir.backup_dir
    assert [p.name for p in backups.iterdir() if p.name.startswith(".partial")] == []
    for name in ("alpha", "beta"):
        svnauthz(sitedir.data_dir, name, "validate")
    check = subprocess.run(["sqlite3", str(sitedir.data_dir / "devjavu.sqlite"),
                            "PRAGMA integrity_check"], capture_output=True, text=True)
    assert check.stdout.strip() == "ok"


def _health(sitedir):
    response = requests.get(sitedir.http_url + "/_health")
    return response.status_code, response.json()["checks"]


def test_backup_refuses_when_it_would_not_fit(small_site):
    sitedir, disk = small_site
    before = _state(sitedir)
    filler = disk / "filler"
    fill(filler, leave_bytes=3 << 20)
    try:
        result = admin(sitedir, "backup", "--quiet", check=False)
        assert result.returncode == 1
        assert "not enough disk for a backup" in result.stderr
        _assert_untouched(sitedir, before)
        status, checks = _health(sitedir)
        assert status == 503
        assert checks["backup"]["ok"] is False and "not enough disk" in \
            checks["backup"]["detail"]
    finally:
        filler.unlink()


def test_disk_filling_during_a_backup_removes_the_partial_output(small_site):
    sitedir, disk = small_site
    before = _state(sitedir)
    backups = sitedir.backup_dir
    filler = disk / "filler"

    def other_writer():
        # Another program fills the disk as soon as the backup has started writing.
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if any(p.name.startswith(".partial") for p in backups.iterdir()):
                fill(filler)
                return
            time.sleep(0.001)

    writer = threading.Thread(target=other_writer)
    writer.start()
    result = admin(sitedir, "backup", "--quiet", check=False)
    writer.join()
    try:
        assert result.returncode == 1, result.stdout
        assert "partial output removed" in result.stderr
        assert "disk is full" in result.stderr
        _assert_untouched(sitedir, before)
        status, checks = _health(sitedir)
        assert status == 503 and checks["backup"]["ok"] is False
    finally:
        filler.unlink()
    # With room again, the next run succeeds and /_health recovers.
    admin(sitedir, "backup", "--quiet")
    status, checks = _health(sitedir)
    assert checks["backup"]["ok"] is True, checks
