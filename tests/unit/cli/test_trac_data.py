"""A project's Trac data out and into another project with devjavu-admin (run in a
forked child, as root dropping to the run user, as an operator runs it): the same data,
user names mapped, one-line refusals that change nothing."""
import pytest

from devjavu.tracenv.config import project_ini_path, update_project_ini
from tests.support.cliprocess import run_admin
from tests.support.populate import as_run_user
from tests.support.sitedir import SiteDir
from tests.support.tracdata import CUSTOM_FIELDS, everything, fill, trac_rows


@pytest.fixture(scope="module")
def cli_site():
    sitedir = SiteDir()
    for args, input in [(["migrate"], ""),
                        (["user", "add", "olga", "--email", "o@example.com"], "olga-pass-1\n"),
                        (["project", "add", "alpha", "--owner", "olga"], ""),
                        (["project", "add", "beta", "--owner", "olga"], "")]:
        result = run_admin(sitedir.ini_path, *args, input=input)
        assert result.returncode == 0, result.stderr

    def fill_alpha(site):
        update_project_ini(project_ini_path(site.settings, "alpha"),
                           {(section, option): value for section, option, value
                            in CUSTOM_FIELDS})
        fill(site.settings.trac_env_path("alpha"))
    as_run_user(sitedir.ini_path, fill_alpha)
    yield sitedir
    sitedir.remove()


def _fails_with(result, message):
    assert result.returncode == 1, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("devjavu-admin: error: "), result.stderr
    assert message in lines[0], lines[0]


def test_trac_data_goes_out_and_into_another_project(cli_site, tmp_path):
    ini, data = cli_site.ini_path, cli_site.data_dir
    archive, users = tmp_path / "alpha-trac.tar.gz", tmp_path / "users.txt"
    exported = run_admin(ini, "project", "export", "alpha", "--trac", str(archive))
    assert exported.returncode == 0 and archive.read_bytes()[:2] == b"\x1f\x8b"
    users.write_text("# old new\nolga Olga\n\npat olga\n")
    imported = run_admin(ini, "project", "import-trac", "beta", str(archive),
                         "--users", str(users))
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout.startswith("Imported into the Trac of beta: 2 tickets (9 changes)")
    alpha, beta = trac_rows(data / "trac" / "alpha"), trac_rows(data / "trac" / "beta")
    assert [row[:7] for row in beta["ticket"]] == [row[:7] for row in alpha["ticket"]]
    assert [row[8] for row in beta["ticket"]] == ["olga", "olga"]     # reporters, mapped
    assert len(beta["attachment"]) == 4 and beta["milestone"] == alpha["milestone"]

    before = everything(data / "trac" / "beta")
    _fails_with(run_admin(ini, "project", "import-trac", "beta", str(archive)),
                "has data of its own (2 tickets, 4 attachments")
    users.write_text("olga ghost\n")
    _fails_with(run_admin(ini, "project", "import-trac", "beta", str(archive), "--users",
                          str(users)), "names 'ghost', which this site has no account for")
    users.write_text("olga\n")
    _fails_with(run_admin(ini, "project", "import-trac", "beta", str(archive), "--users",
                          str(users)), "Line 1 of the user map is not `old new`")
    _fails_with(run_admin(ini, "project", "import-trac", "beta", str(users), "--replace"),
                "not a whole tar archive")
    _fails_with(run_admin(ini, "project", "import-trac", "beta", str(tmp_path / "none")),
                "cannot read")
    _fails_with(run_admin(ini, "project", "import-trac", "gamma", str(archive)),
                "No such project")
    assert everything(data / "trac" / "beta") == before
    _fails_with(run_admin(ini, "project", "export", "gamma", "--trac", str(archive)),
                "No such project")
