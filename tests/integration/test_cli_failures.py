"""Operator mistakes and a sick disk get one line (issue #15): every devjavu-admin command
that writes, run against a real full disk, a read-only file system and folders its user
cannot write, ends with exit code 1, one line on stderr naming the cause, no traceback,
and the site byte-identical.

The commands run in forked children of the test process (tests/support/cliprocess.py):
the same main() as the installed script, without a Python start per command."""
import hashlib
import os
import pwd
import re
import shutil
import sqlite3
import subprocess
import tempfile
from pathlib import Path

import pytest

from tests.support.cliprocess import run_admin
from tests.support.history import synthetic_dump
from tests.support.jobs import stop_an_import
from tests.support.populate import as_run_user
from tests.support.sitedir import SiteDir, free_port
from tests.support.tmpfs import fill, mounted_tmpfs

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="mounting a small tmpfs (a real "
                                "full disk) needs root")

# The writing commands; {backup} and {disk} are filled in by the test.
COMMANDS = {
    "user add": (["user", "add", "eve", "--email", "eve@example.com"], "eve-password-1\n"),
    "user passwd": (["user", "passwd", "olga"], "another-password\n"),
    "user disable": (["user", "disable", "dev"], ""),
    "user enable": (["user", "enable", "sleepy"], ""),
    "user admin": (["user", "admin", "dev"], ""),
    "project add": (["project", "add", "newp", "--owner", "olga"], ""),
    "project set": (["project", "set", "demo", "--description", "New words"], ""),
    "project transfer": (["project", "transfer", "demo", "dev"], ""),
    "project delete": (["project", "delete", "demo"], ""),
    "project restore": (["project", "restore", "old"], ""),
    "project purge": (["project", "purge"], ""),          # `old`: the trash keeps 0 days
    "project rename": (["project", "rename", "demo", "renamed"], ""),
    "project import": (["project", "import", "imported", "--owner", "olga", "--dump",
                        "{disk}/small.dump"], ""),
    "project import-trac": (["project", "import-trac", "demo", "{disk}/demo-trac.tar.gz",
                             "--replace"], ""),
    "project export --dump": (["project", "export", "demo", "--dump",
                               "{disk}/exports/demo.dump"], ""),
    "project export --trac": (["project", "export", "demo", "--trac",
                               "{disk}/exports/demo-trac.tar.gz"], ""),
    "project import-retry": (["project", "import-retry", "mirror"], ""),
    "project import-cancel": (["project", "import-cancel", "mirror"], ""),
    "member add": (["member", "add", "demo", "dev", "--role", "developer"], ""),
    "member remove": (["member", "remove", "demo", "dev"], ""),
    "authz regenerate": (["authz", "regenerate"], ""),
    "migrate": (["migrate"], ""),
    "backup": (["backup", "--quiet"], ""),
    "backup --dest": (["backup", "--quiet", "--dest", "{disk}/elsewhere"], ""),
    "restore": (["restore", "{backup}", "--quiet", "--data-dir", "{disk}/restored"], ""),
    "install-service": (["install-service", "--dest", "{disk}/units"], ""),
}


class Site:
    def __init__(self, sitedir: SiteDir, disk: Path, backup: Path):
        self.dir = sitedir
        self.disk = disk
        self.backup = backup

    def admin(self, *args, input="", as_user=None):
        return run_admin(self.dir.ini_path, *args, input=input, as_user=as_user)

    def command(self, name):
        args, input = COMMANDS[name]
        return [a.format(disk=self.disk, backup=self.backup) for a in args], input


@pytest.fixture(scope="module")
def tmpfs_site():
    with mounted_tmpfs("32m") as disk:
        sitedir = SiteDir(data_dir=disk / "var", **{"devjavu.disk_reserve": "1M",
                                                    "devjavu.trash_days": "0"})
        try:
            for args, input in [(["migrate"], ""),
                                (["user", "add", "olga", "--email", "o@example.com"],
                                 "olga-password\n"),
                                (["user", "add", "dev", "--email", "d@example.com"],
                                 "dev-password\n"),
                                (["user", "add", "sleepy", "--email", "s@example.com"],
                                 "sleepy-password\n"),
                                (["user", "disable", "sleepy"], ""),
                                (["project", "add", "demo", "--owner", "olga"], ""),
                                (["member", "add", "demo", "dev", "--role", "viewer"], ""),
                                (["project", "add", "old", "--owner", "olga"], ""),
                                (["project", "delete", "old"], ""),
                                (["project", "export", "demo", "--trac",
                                  str(disk / "demo-trac.tar.gz")], ""),
                                (["backup", "--quiet"], "")]:
                result = run_admin(sitedir.ini_path, *args, input=input)
                assert result.returncode == 0, result.stderr
            as_run_user(sitedir.ini_path, lambda site: stop_an_import(site, "mirror", "olga"))
            backup, = sitedir.backup_dir.glob("2*")
            (disk / "restored").mkdir()
            (disk / "exports").mkdir()
            (disk / "small.dump").write_bytes(synthetic_dump(5))
            # So that `authz regenerate` has something to write.
            (sitedir.data_dir / "repos" / "demo" / "conf" / "authz").write_text("[/]\n")
            yield Site(sitedir, disk, backup)
        finally:
            sitedir.remove()


def _state(disk: Path) -> dict[str, str]:
    """Every folder and file on the site's disk with a digest of its contents, and the
    site database's rows; not the filler, the database's own bytes (a checkpoint moves
    rows between it and its WAL without changing them) or the backup status (a failed
    backup is recorded there on purpose, for /_health)."""
    state = {}
    for directory, dirs, files in os.walk(disk):
        for name in dirs:
            state[os.path.join(directory, name)] = "folder"
        for name in files:
            if name in ("filler", "status.json") or name.startswith("devjavu.sqlite"):
                continue
            path = os.path.join(directory, name)
            with open(path, "rb") as f:
                state[path] = hashlib.sha256(f.read()).hexdigest()
    state["rows"] = _rows(disk / "var" / "devjavu.sqlite")
    return state


def _rows(database: Path) -> str:
    """The database dumped by the run user (root would leave it an index file of root's)."""
    with tempfile.TemporaryFile("w+") as out:
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                os.setgid(pwd.getpwnam("www-data").pw_gid)
                os.setuid(pwd.getpwnam("www-data").pw_uid)
                connection = sqlite3.connect(database)
                out.write("\n".join(connection.iterdump()))
                out.flush()
                connection.close()
                code = 0
            finally:
                os._exit(code)
        _, status = os.waitpid(pid, 0)
        assert os.waitstatus_to_exitcode(status) == 0
        out.seek(0)
        return out.read()


def _fails_in_one_line(result, *words):
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    # Never the failed statement: its parameters hold a new password's hash.
    assert "$argon2" not in result.stderr and "INSERT" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("devjavu-admin: error: ")
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


@pytest.mark.parametrize("command", COMMANDS)
def test_full_disk(tmpfs_site, command):
    before = _state(tmpfs_site.disk)
    fill(tmpfs_site.disk / "filler")
    try:
        args, input = tmpfs_site.command(command)
        line = _fails_in_one_line(tmpfs_site.admin(*args, input=input), "is full",
                                  "free space and run again")
        assert str(tmpfs_site.disk) in line
    finally:
        (tmpfs_site.disk / "filler").unlink()
    assert _state(tmpfs_site.disk) == before


WRITES_ONLY_IN = {"restore": "restored", "project export --dump": "exports",
                  "project export --trac": "exports"}


@pytest.mark.parametrize("command", COMMANDS)
def test_read_only_data_directory(tmpfs_site, command):
    """The data directory alone turned read-only (as the kernel does to a file system
    after an error): root's side of the command can write, the run user's cannot."""
    # restore and export write only their target: a folder made in `site`.
    data = tmpfs_site.disk / WRITES_ONLY_IN.get(command, tmpfs_site.dir.data_dir)
    before = _state(tmpfs_site.disk)
    subprocess.run(["mount", "--bind", str(data), str(data)], check=True)
    try:
        subprocess.run(["mount", "-o", "remount,bind,ro", str(data)], check=True)
        args, input = tmpfs_site.command(command)
        _fails_in_one_line(tmpfs_site.admin(*args, input=input),
                           f"{data} is on a read-only file system", "remount it read-write")
    finally:
        subprocess.run(["umount", str(data)], check=True)
    assert _state(tmpfs_site.disk) == before


# What the run user (the commands drop to it) cannot write, per command: the database
# file, or the folder the command writes in.
UNWRITABLE = {
    "user add": ("devjavu.sqlite", "cannot write the database"),
    "user passwd": ("devjavu.sqlite", "cannot write the database"),
    "user disable": ("devjavu.sqlite", "cannot write the database"),
    "member add": ("devjavu.sqlite", "cannot write the database"),
    "member remove": ("devjavu.sqlite", "cannot write the database"),
    "project add": ("repos", "Could not create the repository"),
    "project delete": ("trash", "Permission denied"),
    "project purge": ("trash", "Could not purge old"),
    "project import-cancel": ("repos/mirror", "not writable for the site's user"),
    "project rename": ("repos", "Permission denied"),
    "authz regenerate": ("repos/demo/conf", "authz not updated for: demo"),
}


@pytest.mark.parametrize("command", UNWRITABLE)
def test_unwritable_for_the_run_user(tmpfs_site, command):
    name, cause = UNWRITABLE[command]
    target = tmpfs_site.dir.data_dir / name
    mode = target.stat().st_mode
    before = _state(tmpfs_site.disk)
    target.chmod(0o444 if target.is_file() else 0o555)
    try:
        args, input = tmpfs_site.command(command)
        line = _fails_in_one_line(tmpfs_site.admin(*args, input=input), cause)
        assert str(target) in line
    finally:
        target.chmod(mode)
        # SQLite gave the index it made meanwhile the database's mode.
        for leftover in tmpfs_site.dir.data_dir.glob("devjavu.sqlite-*"):
            leftover.chmod(0o600)
    assert _state(tmpfs_site.disk) == before


def test_backup_as_the_run_user_into_a_folder_it_cannot_write():
    """The issue's own case: a site run by one account (here the run user), backing up
    into a folder of root's."""
    sitedir = SiteDir()
    try:
        shutil.chown(sitedir.root, "www-data", "www-data")
        shutil.chown(sitedir.ini_path, "www-data", "www-data")
        result = run_admin(sitedir.ini_path, "migrate", as_user="www-data")
        assert result.returncode == 0, result.stderr
        roots = sitedir.root / "roots"
        roots.mkdir(mode=0o755)          # root's: www-data may look, not write
        result = run_admin(sitedir.ini_path, "backup", "--quiet", "--dest",
                           str(roots / "backups"), as_user="www-data")
        line = _fails_in_one_line(result, f"cannot write {roots / 'backups'}",
                                  "permission denied to www-data",
                                  "or choose another place")
        assert "Traceback" not in line
        assert list(roots.iterdir()) == []
        assert pwd.getpwuid((sitedir.data_dir).stat().st_uid).pw_name == "www-data"
    finally:
        sitedir.remove()


# With a little room left the database takes the change, and what fails is writing the
# project's files or the copies; the other commands need no more room than that.
NEARLY_FULL = {
    "project add": "is full",
    "backup": "not enough disk for a backup",
    "backup --dest": "not enough disk for a backup",
    "restore": "is full",
}


@pytest.mark.parametrize("command", NEARLY_FULL)
def test_nearly_full_disk(tmpfs_site, command):
    before = _state(tmpfs_site.disk)
    fill(tmpfs_site.disk / "filler", leave_bytes=256 << 10)
    try:
        args, input = tmpfs_site.command(command)
        _fails_in_one_line(tmpfs_site.admin(*args, input=input), NEARLY_FULL[command],
                           str(tmpfs_site.disk))
    finally:
        (tmpfs_site.disk / "filler").unlink()
    assert _state(tmpfs_site.disk) == before


@pytest.fixture
def bare_site():
    sitedir = SiteDir()
    yield sitedir
    sitedir.remove()


def test_a_bare_percent_in_the_ini_names_the_key(bare_site):
    ini = bare_site.ini_path
    ini.write_text(re.sub(r"(?m)^devjavu\.mail_from = .*$",
                          "devjavu.mail_from = 100% DevjaVu <d@x.org>", ini.read_text()))
    _fails_in_one_line(run_admin(ini, "user", "list"), "devjavu.mail_from", "%%")
    assert not bare_site.data_dir.exists()


def test_an_unreachable_database_server(bare_site):
    port = bare_site.http_port          # free, and no database server listens there
    ini = bare_site.ini_path
    ini.write_text(ini.read_text().replace(
        bare_site.database_url, f"postgresql+psycopg://devjavu:s3cret@127.0.0.1:{port}/x"))
    line = _fails_in_one_line(run_admin(ini, "user", "list"), "cannot reach the database",
                              "sqlalchemy.url")
    assert "s3cret" not in line


def test_a_damaged_database_and_the_debug_switch(bare_site, monkeypatch):
    assert run_admin(bare_site.ini_path, "migrate").returncode == 0
    database = bare_site.data_dir / "devjavu.sqlite"
    for leftover in bare_site.data_dir.glob("devjavu.sqlite-*"):
        leftover.unlink()          # the WAL would still hold every page
    database.write_bytes(b"not a database, " * 512)
    _fails_in_one_line(run_admin(bare_site.ini_path, "user", "list"),
                       f"the database {database} is damaged", "devjavu-admin restore")
    monkeypatch.setenv("DEVJAVU_DEBUG", "1")
    result = run_admin(bare_site.ini_path, "user", "list")
    assert result.returncode == 99 and "Traceback" in result.stderr


def _half_made_project(site) -> None:
    """What a creation killed before its commit leaves: its directory and its journal
    entry, whose process is gone."""
    settings = site.settings
    (settings.repository_path("half") / "db").mkdir(parents=True)
    settings.journal_dir.mkdir(exist_ok=True)
    (settings.journal_dir / "create-half").write_text('{"pid": 1, "started": "gone"}')


def test_a_repair_that_cannot_remove_a_half_made_project_keeps_it_for_the_next(bare_site):
    assert run_admin(bare_site.ini_path, "migrate").returncode == 0
    as_run_user(bare_site.ini_path, _half_made_project)
    repos = bare_site.data_dir / "repos"
    entry = bare_site.data_dir / "journal" / "create-half"
    repos.chmod(0o555)
    try:
        _fails_in_one_line(run_admin(bare_site.ini_path, "check", "--repair"),
                           f"cannot write {repos / 'half'}: permission denied to www-data")
    finally:
        repos.chmod(0o755)
    # What could be removed was (its removal is the repair, half done): the rest and the
    # journal's entry wait for the next repair.
    assert (repos / "half").is_dir() and entry.exists()
    result = run_admin(bare_site.ini_path, "check", "--repair")
    assert "removed the half-made project half" in result.stdout, result.stderr
    assert not (repos / "half").exists() and not entry.exists()


def test_a_probe_that_cannot_keep_its_state_alerts_no_one(tmp_path):
    """A probe that cannot record that it alerted would alert again on every run."""
    port = free_port()                    # nothing listens: the site is down
    alerted = tmp_path / "alerted"
    folder = tmp_path / "state"
    folder.mkdir()

    def probe(*extra, as_user=None):
        return run_admin(Path("/nonexistent.ini"), "probe", f"http://127.0.0.1:{port}/",
                         "--failures", "1", "--timeout", "2", "--state",
                         str(folder / "probe.state"), "--alert-command",
                         f"touch {alerted}", as_user=as_user)

    _fails_in_one_line(probe(as_user="www-data"),
                       f"cannot write {folder / 'probe.state'}: permission denied to "
                       "www-data: run as a user that may write there")
    subprocess.run(["mount", "--bind", str(folder), str(folder)], check=True)
    try:
        subprocess.run(["mount", "-o", "remount,bind,ro", str(folder)], check=True)
        _fails_in_one_line(probe(), "read-only file system")
    finally:
        subprocess.run(["umount", str(folder)], check=True)
    assert not alerted.exists() and list(folder.iterdir()) == []
    result = probe()
    assert result.returncode == 1 and alerted.exists(), result.stdout + result.stderr
