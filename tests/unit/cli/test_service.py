"""install-service writes the site's systemd units, which systemd itself accepts."""
import shutil
import subprocess

import pytest

from devjavu.settings import load_settings
from tests.support.apache import admin
from tests.support.sitedir import SiteDir


@pytest.fixture
def sitedir():
    sitedir = SiteDir()
    yield sitedir
    sitedir.remove()


def test_the_units_pass_systemds_own_check(sitedir):
    dest = sitedir.root / "units"
    result = admin(sitedir, "install-service", "--dest", str(dest))
    assert "systemctl enable --now devjavu.service devjavu-backup.timer " \
        "devjavu-purge.timer" in result.stdout
    units = sorted(path.name for path in dest.iterdir())
    assert units == ["devjavu-backup.service", "devjavu-backup.timer",
                     "devjavu-purge.service", "devjavu-purge.timer", "devjavu.service"]
    settings = load_settings(sitedir.ini_path)
    site = (dest / "devjavu.service").read_text()
    for line in ["Type=exec", "Restart=on-failure", "KillMode=mixed", "TimeoutStopSec=30",
                 "UMask=0077", "NoNewPrivileges=yes", "ProtectSystem=strict",
                 f"ReadWritePaths={settings.data_dir} {settings.server_dir}",
                 f"ExecStart={settings.venv_dir}/bin/devjavu-admin -c {sitedir.ini_path} serve"]:
        assert line in site.splitlines(), line
    assert f"-c {sitedir.ini_path} backup --quiet" in (dest / "devjavu-backup.service").read_text()
    assert f"-c {sitedir.ini_path} project purge" in (dest / "devjavu-purge.service").read_text()
    # ProtectSystem=strict: every writable folder must exist before the first start.
    assert settings.data_dir.is_dir() and settings.server_dir.is_dir()
    if shutil.which("systemd-analyze") is None:
        pytest.skip("systemd-analyze is not installed: the units' syntax is unchecked")
    # Unknown keys and bad values are warnings with exit code 0: any output fails.
    verify = subprocess.run(["systemd-analyze", "verify", *sorted(dest.iterdir())],
                            capture_output=True, text=True)
    assert (verify.returncode, verify.stdout + verify.stderr) == (0, "")


@pytest.mark.parametrize("args,message", [
    (["--name", "Dev Java"], "a unit name is 1 to 40 characters"),
    (["--name", "x;reboot"], "a unit name is 1 to 40 characters"),
])
def test_a_bad_unit_name_is_refused_and_nothing_is_written(sitedir, args, message):
    dest = sitedir.root / "units"
    result = admin(sitedir, "install-service", "--dest", str(dest), *args, check=False)
    assert result.returncode == 1 and message in result.stderr
    assert not dest.exists()


def test_a_path_a_unit_file_would_misread_is_refused():
    sitedir = SiteDir(**{"devjavu.server_dir": "/tmp/devjavu test %%n"})
    try:
        dest = sitedir.root / "units"
        result = admin(sitedir, "install-service", "--dest", str(dest), check=False)
        assert result.returncode == 1 and "no spaces, % or $" in result.stderr
        assert not dest.exists()
    finally:
        sitedir.remove()
