"""A backup of a populated, running site restores to a site that serves the same users,
projects, revisions, tickets, wiki pages and attachments."""
import hashlib
import json
import os
import re
import shutil
import subprocess
import threading
import time

import pytest
import requests

from devjavu.backup.signing import read_key, sign
from devjavu.settings import load_settings
from tests.integration.conftest import PASSWORDS
from tests.support.apache import RunningApache, admin
from tests.support.sitedir import SiteDir
from tests.support.trac import trac_form_post, trac_shows_changeset

ALICE = ("alice", PASSWORDS["alice"])


@pytest.fixture(scope="module")
def populated(running_site, svn):
    """Wiki edit, ticket and attachment on `pub`, commits on both projects."""
    trac = requests.Session()
    trac.auth = ALICE
    base = f"{running_site.http_url}/pub"
    trac_form_post(trac, f"{base}/wiki/BackupPage?action=edit", {
        "action": "edit", "version": "0",
        "text": "= Backed up =\nThis page must survive a restore.", "save": "Submit"},
        target_url=f"{base}/wiki/BackupPage")
    ticket = trac_form_post(trac, f"{base}/newticket", {
        "field_summary": "Restore me", "field_type": "defect", "submit": "Create"})
    ticket_path = re.search(r"/pub/ticket/\d+", ticket.headers["Location"]).group(0)
    trac_form_post(trac, f"{base}/attachment/wiki/BackupPage/?action=new", {
        "action": "new", "realm": "wiki", "id": "BackupPage"},
        files={"attachment": ("notes.txt", b"attached bytes\n", "text/plain")},
        target_url=f"{base}/attachment/wiki/BackupPage/")
    auth = {"user": "alice", "password": PASSWORDS["alice"]}
    for project in ("pub", "priv"):
        svn.run("mkdir", "-m", f"before backup {project}",
                svn.url(project, "backup-marker"), **auth)
    return ticket_path


def _same_backup_key(running_site) -> dict:
    """A site restored elsewhere needs the backup key of the site that took the backup."""
    return {"devjavu.backup_key": str(load_settings(running_site.dir.ini_path).backup_key_path)}


def _svn_log(svn, base, project):
    return svn.run("log", "--xml", f"{base}/svn/{project}", user="alice",
                   password=PASSWORDS["alice"]).stdout


def _pages(base, ticket_path):
    paths = ["/pub/wiki/BackupPage", ticket_path, "/pub/raw-attachment/wiki/BackupPage/notes.txt",
             "/priv/wiki/WikiStart"]
    return {p: requests.get(base + p, auth=ALICE) for p in paths}


def _comparable(page: str, base: str) -> str:
    """A page without what differs between two requests: the host, relative times
    ("5 seconds ago") and form tokens."""
    page = page.replace(base, "")
    page = re.sub(r">[^<>]*\bago<", "><", page)
    page = re.sub(r'form_token="[0-9a-f]*"', "", page)
    return re.sub(r'name="__FORM_TOKEN" value="[^"]*"', "", page)


def test_backup_and_restore_round_trip(running_site, svn, populated):
    result = running_site.admin("backup", "--quiet")
    assert result.stdout == ""
    backups = sorted(running_site.dir.backup_dir.glob("2*"))
    assert backups, result.stderr
    backup = backups[-1]
    for repository in ("pub", "priv"):
        subprocess.run(["svnadmin", "verify", "--quiet", str(backup / "repos" / repository)],
                       check=True)
    before = _pages(running_site.http_url, populated)
    assert all(r.status_code == 200 for r in before.values()), \
        {p: r.status_code for p, r in before.items()}

    restored = SiteDir(**_same_backup_key(running_site))
    apache = None
    try:
        admin(restored, "restore", str(backup))
        apache = RunningApache(restored)
        for project in ("pub", "priv"):
            assert _svn_log(svn, restored.http_url, project) == \
                _svn_log(svn, running_site.http_url, project)
        after = _pages(restored.http_url, populated)
        for path, response in before.items():
            assert after[path].status_code == 200, path
            assert _comparable(after[path].text, restored.http_url) == \
                _comparable(response.text, running_site.http_url), path
        assert after["/pub/raw-attachment/wiki/BackupPage/notes.txt"].content == \
            b"attached bytes\n"
        assert requests.get(restored.http_url + "/priv/", auth=("nora", PASSWORDS["nora"])
                            ).status_code == 404
        assert svn.run("mkdir", "-m", "after restore",
                       f"{restored.http_url}/svn/pub/after-restore", user="bob",
                       password=PASSWORDS["bob"]).returncode == 0
        # Trac follows the repository at its new place: the commit reaches it.
        revision = int(svn.run("info", "--show-item", "revision",
                               f"{restored.http_url}/svn/pub", user="bob",
                               password=PASSWORDS["bob"]).stdout)
        assert trac_shows_changeset(restored.http_url, "pub", revision)
    finally:
        if apache is not None:
            assert not apache.stop()
        restored.remove()


def test_restore_refuses_a_damaged_backup_or_a_used_data_dir(running_site, tmp_path):
    running_site.admin("backup", "--quiet")
    backup = sorted(running_site.dir.backup_dir.glob("2*"))[-1]
    damaged = tmp_path / backup.name
    shutil.copytree(backup, damaged)
    (damaged / "repos" / "pub" / "format").write_text("9\n")
    target = SiteDir(**_same_backup_key(running_site))
    try:
        refused = admin(target, "restore", str(damaged), check=False)
        assert refused.returncode == 1 and "damaged" in refused.stderr
        assert not target.data_dir.exists()
        admin(target, "migrate")
        refused = admin(target, "restore", str(backup), check=False)
        assert refused.returncode == 1 and "not empty" in refused.stderr
    finally:
        target.remove()


def test_backup_during_commits_is_consistent(running_site, svn):
    """Commits keep landing while the backup runs; every revision in it verifies."""
    stop = threading.Event()
    committed = []

    def commit_in_a_loop():
        while not stop.is_set() and len(committed) < 200:
            result = svn.run("mkdir", "-m", "busy", svn.url("pub", f"busy-{len(committed)}"),
                             user="bob", password=PASSWORDS["bob"], check=False)
            committed.append(result.returncode)

    committer = threading.Thread(target=commit_in_a_loop)
    committer.start()
    try:
        time.sleep(0.5)
        running_site.admin("backup", "--quiet")
    finally:
        stop.set()
        committer.join()
    assert committed and all(code == 0 for code in committed)
    backup = sorted(running_site.dir.backup_dir.glob("2*"))[-1]
    manifest = json.loads((backup / "manifest.json").read_text())
    for project in manifest["projects"]:
        repository = backup / "repos" / project["name"]
        subprocess.run(["svnadmin", "verify", "--quiet", str(repository)], check=True)
        youngest = subprocess.run(["svnlook", "youngest", str(repository)],
                                  capture_output=True, text=True, check=True).stdout
        assert int(youngest) >= project["youngest"]


def _rewrite_manifest(backup, change) -> None:
    manifest = json.loads((backup / "manifest.json").read_text())
    change(manifest)
    (backup / "manifest.json").write_text(json.dumps(manifest))


def _altered_file_with_its_checksum(backup):
    """An attacker's edit with a manifest made to match: only the signature tells."""
    path = backup / "config" / "site.ini"
    path.write_text(path.read_text() + "\n# altered\n")

    def change(manifest):
        manifest["files"]["config/site.ini"] = {
            "size": path.stat().st_size,
            "sha256": hashlib.sha256(path.read_bytes()).hexdigest()}
    _rewrite_manifest(backup, change)


def _renamed_project(name):
    def alter(backup):
        for folder in ("repos", "trac"):
            (backup / folder / "pub").rename(backup / folder / "renamed")

        def change(manifest):
            for project in manifest["projects"]:
                if project["name"] == "pub":
                    project["name"] = name
            manifest["files"] = {key.replace("/pub/", "/renamed/"): value
                                 for key, value in manifest["files"].items()}
        _rewrite_manifest(backup, change)
    return alter


# Each alteration is re-signed with the site's own key (as if the key had leaked), so that
# the check named in the message, not the signature, is what refuses it.
ALTERATIONS = {
    "link": (lambda b: (b / "repos" / "pub" / "hooks" / "start-commit").symlink_to(
        "/etc/shadow"), True, "neither a file nor a folder"),
    "fifo": (lambda b: os.mkfifo(b / "trac" / "pub" / "fifo"), True,
             "neither a file nor a folder"),
    "dotdot-name": (_renamed_project("../x"), True, "not a project name"),
    "bad-name": (_renamed_project("Pub\n"), True, "not a project name"),
    "tampered": (_altered_file_with_its_checksum, False, "signature does not match"),
    "unsigned": (lambda b: (b / "manifest.json.hmac").unlink(), False, "signature"),
}


@pytest.mark.parametrize("alteration", sorted(ALTERATIONS))
def test_restore_refuses_an_altered_backup_and_writes_nothing(running_site, tmp_path, alteration):
    alter, resign, message = ALTERATIONS[alteration]
    running_site.admin("backup", "--quiet")
    backup = sorted(running_site.dir.backup_dir.glob("2*"))[-1]
    altered = tmp_path / backup.name
    shutil.copytree(backup, altered, symlinks=True)
    alter(altered)
    if resign:
        sign(altered, read_key(load_settings(running_site.dir.ini_path).backup_key_path))
    target = SiteDir(**_same_backup_key(running_site))
    try:
        refused = admin(target, "restore", str(altered), check=False)
        assert refused.returncode == 1 and message in refused.stderr, refused.stderr
        assert not target.data_dir.exists()
        assert not (tmp_path / "x").exists() and not (tmp_path.parent / "x").exists()
    finally:
        target.remove()


def test_a_backup_is_roots_alone(running_site):
    running_site.admin("backup", "--quiet")
    settings = load_settings(running_site.dir.ini_path)
    backup = sorted(settings.backup_dir.glob("2*"))[-1]
    for directory, dirs, files in os.walk(backup):
        for name in [".", *dirs, *files]:
            status = os.lstat(os.path.join(directory, name))
            assert status.st_uid == 0 and status.st_mode & 0o077 == 0, (directory, name)
    key = os.stat(settings.backup_key_path)
    assert key.st_uid == 0 and key.st_mode & 0o777 == 0o600
    assert not settings.backup_key_path.is_relative_to(settings.data_dir)
