"""The site as its systemd unit runs it: with NoNewPrivileges (Apache still switches to
the run user, which gives privileges up), umask 077, and a read-only system but for the
site's own folders (what ProtectSystem=strict with ReadWritePaths leaves)."""
import os
import shlex
import shutil
import stat
import subprocess
from pathlib import Path

import pytest
import requests

from devjavu.settings import SOURCE_ROOT, load_settings
from tests.support.apache import ADMIN, RunningApache, admin
from tests.support.sitedir import SiteDir
from tests.support.svnclient import SvnClient

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0 or not (shutil.which("setpriv") and shutil.which("unshare")),
    reason="needs root and util-linux's setpriv and unshare")


def _confined(sitedir: SiteDir) -> tuple[str, ...]:
    """A command prefix, as the systemd units confine the site: in a mount namespace, a
    private /tmp (PrivateTmp), everything read-only but the data and server directories
    (ProtectSystem=strict with ReadWritePaths), then no new privileges. The site's folder
    lies in /tmp, and the source tree (its virtualenv) may too, as in a clone made there:
    each is mounted back, read-only, from the old /tmp, which the working directory still
    reaches once the private /tmp hides it."""
    settings = load_settings(sitedir.ini_path)
    tmp = Path("/tmp")
    carried = [path for path in (sitedir.root, SOURCE_ROOT) if path.is_relative_to(tmp)]
    writable = [shlex.quote(str(path)) for path in (settings.data_dir, settings.server_dir)]
    script = " && ".join([
        "cd /tmp", "mount -t tmpfs -o mode=1777 private-tmp /tmp",
        *(f"mkdir -p {shlex.quote(str(path))} && mount --no-canonicalize --bind "
          f"{shlex.quote('./' + str(path.relative_to(tmp)))} {shlex.quote(str(path))}"
          for path in carried),
        "cd /",
        *(f"mount --bind {path} {path}" for path in writable),
        *(f"mount -o remount,bind,ro {shlex.quote(str(path))}" for path in carried),
        "mount -o remount,bind,ro /",
        'exec setpriv --no-new-privs "$@"'])
    return ("unshare", "--mount", "--propagation", "private", "--", "sh", "-c", script, "sh")


def test_the_site_serves_commits_and_backs_up_confined(tmp_path):
    sitedir = SiteDir()
    try:
        admin(sitedir, "migrate")
        admin(sitedir, "user", "add", "olga", "--email", "olga@example.com",
              input="olga-password\n")
        admin(sitedir, "project", "add", "alpha", "--owner", "olga", "--private")
        # The confinement holds: outside the two directories, nothing can be written.
        for path in ("/var/tmp/devjavu-escape", sitedir.root / "escape"):
            refused = subprocess.run([*_confined(sitedir), "touch", str(path)],
                                     capture_output=True, text=True)
            assert refused.returncode != 0 and "Read-only file system" in refused.stderr
        apache = RunningApache(sitedir, prefix=_confined(sitedir))
        try:
            svn = SvnClient(sitedir.http_url, tmp_path)
            wc = svn.checkout("alpha", user="olga", password="olga-password")
            svn.add_file(wc, "README", "hello\n")
            svn.commit(wc, "first", user="olga", password="olga-password")
            assert svn.youngest("alpha", user="olga", password="olga-password") == 1
            assert requests.get(f"{sitedir.http_url}/alpha/changeset/1",
                                auth=("olga", "olga-password")).status_code == 200
            backup = subprocess.run([*_confined(sitedir), ADMIN, "-c", str(sitedir.ini_path),
                                     "backup", "--quiet"], capture_output=True, text=True)
            assert backup.returncode == 0, backup.stderr
        finally:
            assert not apache.stop()
        # What Apache's children wrote for the commit is theirs alone.
        revision = load_settings(sitedir.ini_path).repository_path("alpha") / "db" / "revs"
        for path in revision.rglob("*"):
            assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0, path
    finally:
        sitedir.remove()
