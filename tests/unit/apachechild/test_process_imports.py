"""What Apache's children load: the svn auth provider, loaded the way the generated
svnauth.wsgi loads it, and the account services, pull in neither Subversion's bindings,
nor Trac, nor Pyramid (every child of every Apache would carry them)."""
import json
import os
import shutil
import string
import subprocess
import sys

import pytest

from devjavu import datadir
from devjavu.accounts import users
from devjavu.settings import SOURCE_ROOT, load_settings
from devjavu.site import Site
from tests.support.sitedir import SiteDir

HEAVY = ("svn", "libsvn", "subvertpy", "trac", "pyramid", "genshi")

CHILD = """
import json, sys
namespace = {}
exec(compile(sys.stdin.read(), "svnauth.wsgi", "exec"), namespace)
check_password = namespace["check_password"]
environ = {"REMOTE_ADDR": "127.0.0.1"}
verdicts = [check_password(environ, "alice", "a-good-password"),
            check_password(environ, "alice", "wrong-password"),
            check_password(environ, "nobody", "a-good-password")]
import devjavu.accounts.users  # noqa: E402,F401  (what the provider's services import)
import devjavu.apachechild.childrecord as childrecord  # noqa: E402
from devjavu.settings import load_settings  # noqa: E402
records = len(list(childrecord.children_dir(load_settings(sys.argv[1])).iterdir()))
heavy = sorted(name for name in sys.modules if name.split(".")[0] in %r)
print(json.dumps({"verdicts": verdicts, "records": records, "heavy": heavy}))
""" % (HEAVY,)


@pytest.fixture
def sitedir(migrated_sqlite):
    sitedir = SiteDir()
    settings = load_settings(sitedir.ini_path)
    datadir.prepare(settings)
    shutil.copy(migrated_sqlite, settings.data_dir / "devjavu.sqlite")
    site = Site(settings)
    with site.unit_of_work() as db:
        users.add_user(db, "alice", "alice@example.com", "a-good-password")
    site.dispose()
    yield sitedir
    sitedir.remove()


def test_svn_auth_provider_loads_no_bindings_trac_or_pyramid(sitedir):
    template = (SOURCE_ROOT / "apache" / "svnauth.wsgi.in").read_text()
    script = string.Template(template).substitute(ini_path=sitedir.ini_path)
    result = subprocess.run([sys.executable, "-c", CHILD, str(sitedir.ini_path)],
                            input=script, capture_output=True, text=True, timeout=60,
                            cwd=SOURCE_ROOT, env={**os.environ, "PYTHONPATH": ""})
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["verdicts"] == [True, False, None]     # the provider works...
    assert report["records"] == 1                         # ...the child left its record
    assert report["heavy"] == []                          # ...and nothing heavy came
    children = load_settings(sitedir.ini_path).data_dir / "children"
    assert list(children.iterdir()) == []                 # removed at the orderly exit
