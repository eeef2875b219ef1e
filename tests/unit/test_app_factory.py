"""The .ini's app and server factories: pserve, or any PasteDeploy loader, is refused in
one line, since only Apache serves the whole site (Subversion, Trac, static files)."""
import subprocess
import sys
from pathlib import Path

import pytest
from paste.deploy import loadapp

from devjavu import APACHE_ONLY, RunsUnderApacheOnly
from devjavu.settings import SOURCE_ROOT, load_settings


def test_loadapp_is_refused_and_the_settings_still_load(site):
    ini = site.settings.ini_path
    with pytest.raises(RunsUnderApacheOnly, match="make run"):
        loadapp(f"config:{ini}")
    assert load_settings(ini).data_dir == site.settings.data_dir


@pytest.mark.parametrize("ini", ["development.ini", "production.ini"])
def test_pserve_ends_with_one_line(ini):
    pserve = Path(sys.executable).parent / "pserve"
    result = subprocess.run([str(pserve), str(SOURCE_ROOT / ini)], capture_output=True,
                            text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert result.returncode == 1
    # Pyramid's own import may warn first; then our line alone, no traceback.
    assert result.stderr.strip().splitlines()[-1] == APACHE_ONLY
    assert "Traceback" not in result.stderr and result.stdout == ""
