"""A commit runs nothing of ours and never waits for Trac; the page after it shows it."""
import sqlite3

import requests

from tests.integration.conftest import PASSWORDS
from tests.support.processes import processes_naming

PROJECT = "swift"


def test_a_commit_starts_no_process_and_the_next_page_shows_it(running_site, svn):
    running_site.admin("project", "add", PROJECT, "--owner", "alice")
    trac_env = running_site.dir.data_dir / "trac" / PROJECT
    url = svn.url(PROJECT)
    # Trac's database held by someone else, as a long sync or a copy might hold it: a
    # commit that waited for Trac, or started anything that does, would show it here.
    holder = sqlite3.connect(trac_env / "db" / "trac.db", timeout=0, isolation_level=None)
    try:
        holder.execute("BEGIN EXCLUSIVE")
        for directory in ("trunk", "branches", "tags"):
            svn.run("mkdir", "-m", f"Make {directory}", f"{url}/{directory}",
                    user="alice", password=PASSWORDS["alice"])
        assert processes_naming(str(trac_env)) == []
    finally:
        holder.close()
    assert svn.youngest(PROJECT) == 3
    # No retries: the first page after the commits has every one of them.
    timeline = requests.get(f"{running_site.http_url}/{PROJECT}/timeline")
    assert all(f"Make {d}" in timeline.text for d in ("trunk", "branches", "tags"))
    assert requests.get(f"{running_site.http_url}/{PROJECT}/changeset/3").status_code == 200
    assert not (running_site.dir.data_dir / "repos" / PROJECT / "hooks" / "post-commit").exists()
