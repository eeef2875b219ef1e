"""devjavu-admin as an operator's script uses it: exit codes, one-line errors, no traces."""
import json
import subprocess

import pytest

from tests.support.apache import admin


@pytest.fixture(scope="module")
def cli_site():
    from tests.support.sitedir import SiteDir
    sitedir = SiteDir()
    admin(sitedir, "migrate")
    admin(sitedir, "user", "add", "olga", "--email", "olga@example.com",
          input="olga-password\n")
    admin(sitedir, "project", "add", "demo", "--owner", "olga")
    yield sitedir
    sitedir.remove()


def _fails_cleanly(result, message):
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("devjavu-admin: error: ") and message in lines[0]


@pytest.mark.parametrize("args,message", [
    (["project", "add", "svn", "--owner", "olga"], "reserved"),
    (["project", "add", "x", "--owner", "olga"], "2 to 40 characters"),
    (["project", "add", "Bad.Name", "--owner", "olga"], "2 to 40 characters"),
    (["project", "add", "alpha\n", "--owner", "olga"], "2 to 40 characters"),
    (["user", "add", "eve\n", "--email", "eve@example.com"], "Invalid username"),
    (["user", "add", "eve", "--email", "root,x@evil.example"], "Invalid email address"),
    (["project", "add", "demo", "--owner", "olga"], "already exists"),
    (["project", "add", "fresh", "--owner", "ghost"], "No such user: 'ghost'"),
    (["member", "add", "demo", "olga", "--role", "boss"], "Unknown role 'boss'"),
    (["member", "add", "demo", "ghost", "--role", "viewer"], "No such user"),
    (["member", "add", "nothere", "olga", "--role", "viewer"], "No such project"),
    (["member", "remove", "demo", "olga"], "last owner"),
    (["user", "admin", "ghost"], "No such user: 'ghost'"),
    (["project", "transfer", "demo", "ghost"], "No such user: 'ghost'"),
    (["project", "set", "demo", "--description", "two\nlines"], "A description"),
])
def test_bad_input_is_one_line_and_exit_1(cli_site, args, message):
    _fails_cleanly(admin(cli_site, *args, check=False), message)
    for name in ("svn", "x", "Bad.Name", "fresh", "alpha\n", "alpha"):
        assert not (cli_site.data_dir / "repos" / name).exists()
        assert not (cli_site.data_dir / "trac" / name).exists()
    if args[:2] == ["user", "add"]:
        assert "eve" not in admin(cli_site, "user", "list").stdout


def test_user_add_reads_the_password_from_stdin(cli_site):
    _fails_cleanly(admin(cli_site, "user", "add", "paul", "--email", "p@example.com",
                         input="short\n", check=False), "at least 8")
    _fails_cleanly(admin(cli_site, "user", "add", "paul", "--email", "p@example.com",
                         input="", check=False), "standard input")
    admin(cli_site, "user", "add", "paul", "--email", "p@example.com",
          input="long-enough-password\n")
    assert "paul\tp@example.com" in admin(cli_site, "user", "list").stdout


def test_listing_and_members(cli_site):
    admin(cli_site, "user", "add", "devi", "--email", "d@example.com",
          input="devi-password\n")
    admin(cli_site, "member", "add", "demo", "devi", "--role", "developer")
    assert admin(cli_site, "member", "list", "demo").stdout.splitlines() == \
        ["olga\towner", "devi\tdeveloper"]
    admin(cli_site, "member", "add", "demo", "devi", "--role", "viewer")
    assert "devi\tviewer" in admin(cli_site, "member", "list", "demo").stdout
    assert admin(cli_site, "project", "list").stdout == "demo\tpublic\tolga\n"


def test_check_passes_then_fails_when_authz_is_out_of_step(cli_site):
    assert admin(cli_site, "check").returncode == 0
    authz_file = cli_site.data_dir / "repos" / "demo" / "conf" / "authz"
    good = authz_file.read_text()
    authz_file.write_text("[/]\n")
    result = admin(cli_site, "check", check=False)
    assert result.returncode == 1 and "FAIL authz" in result.stdout
    admin(cli_site, "authz", "regenerate")
    assert authz_file.read_text() == good


def test_files_belong_to_the_run_user(cli_site):
    import pwd
    run_user = pwd.getpwnam("www-data").pw_uid
    for path in [cli_site.data_dir / "devjavu.sqlite", cli_site.data_dir / "repos" / "demo",
                 cli_site.data_dir / "trac" / "demo" / "db" / "trac.db",
                 cli_site.data_dir / "repos" / "demo" / "conf" / "authz"]:
        assert path.stat().st_uid == run_user, path


def test_unknown_setting_is_named(cli_site):
    ini = cli_site.ini_path.read_text()
    cli_site.ini_path.write_text(ini.replace("[app:main]", "[app:main]\ndevjavu.dta_dir = x"))
    try:
        _fails_cleanly(admin(cli_site, "check", check=False), "devjavu.dta_dir")
    finally:
        cli_site.ini_path.write_text(ini)


def test_delete_restore_and_purge(cli_site):
    admin(cli_site, "project", "add", "doomed", "--owner", "olga")
    admin(cli_site, "project", "delete", "doomed")
    assert "doomed\tpublic\tolga\tdeleted" in admin(cli_site, "project", "list").stdout
    assert not (cli_site.data_dir / "repos" / "doomed").exists()
    _fails_cleanly(admin(cli_site, "project", "add", "doomed", "--owner", "olga",
                         check=False), "already exists")
    admin(cli_site, "project", "restore", "doomed")
    assert (cli_site.data_dir / "repos" / "doomed" / "conf" / "authz").exists()
    _fails_cleanly(admin(cli_site, "project", "restore", "doomed", check=False),
                   "No deleted project")
    admin(cli_site, "project", "delete", "doomed")
    assert admin(cli_site, "project", "purge").stdout.strip() == "Nothing to purge."
    ini = cli_site.ini_path.read_text()
    cli_site.ini_path.write_text(ini.replace("devjavu.trash_days = 30",
                                             "devjavu.trash_days = 0"))
    try:
        assert "doomed" in admin(cli_site, "project", "purge").stdout
    finally:
        cli_site.ini_path.write_text(ini)
    assert list((cli_site.data_dir / "trash").iterdir()) == []
    assert "doomed" not in admin(cli_site, "project", "list").stdout


def test_rename(cli_site):
    admin(cli_site, "project", "add", "before", "--owner", "olga")
    _fails_cleanly(admin(cli_site, "project", "rename", "before", "demo", check=False),
                   "already exists")
    _fails_cleanly(admin(cli_site, "project", "rename", "nothere", "after", check=False),
                   "No such project")
    _fails_cleanly(admin(cli_site, "project", "rename", "before", "Bad.Name", check=False),
                   "2 to 40 characters")
    result = admin(cli_site, "project", "rename", "before", "after")
    assert "svn relocate" in result.stdout
    listing = admin(cli_site, "project", "list").stdout
    assert "after\tpublic\tolga" in listing and "before" not in listing
    assert (cli_site.data_dir / "repos" / "after" / "conf" / "authz").exists()
    assert admin(cli_site, "check", check=False).returncode == 0


def test_check_repair_removes_a_creation_killed_half_way(cli_site):
    """As a daemon killed mid-creation leaves it: a journal entry naming a dead process,
    and a repository no project owns."""
    journal_dir = cli_site.data_dir / "journal"
    (journal_dir / "create-halfway").write_text(json.dumps({"pid": 0, "started": "0"}))
    repository = cli_site.data_dir / "repos" / "halfway"
    subprocess.run(["svnadmin", "create", str(repository)], check=True)
    subprocess.run(["chown", "-R", "www-data:www-data", str(repository),
                    str(journal_dir)], check=True)
    result = admin(cli_site, "check", check=False)
    assert result.returncode == 1 and "FAIL leftovers" in result.stdout
    assert "halfway" in result.stdout
    repaired = admin(cli_site, "check", "--repair")
    assert "removed the half-made project halfway" in repaired.stdout
    assert not repository.exists() and not list(journal_dir.iterdir())
