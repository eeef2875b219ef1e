import os
import subprocess
import time
from pathlib import Path

from devjavu.svn.repository import (GENERATED_MARK, IMPORT_IN_PROGRESS, REVPROPS_CHANGED,
                                    create_repository, remove_dead_transactions,
                                    update_hooks)


def test_a_new_repository_runs_no_hook_of_ours_for_a_commit(site):
    repository = create_repository(site.settings, "demo")
    assert not (repository / "hooks" / "post-commit").exists()
    for ours in ("pre-revprop-change", "post-revprop-change"):
        assert os.access(repository / "hooks" / ours, os.X_OK)


def _svn(*args) -> subprocess.CompletedProcess:
    return subprocess.run(["svn", "--non-interactive", *args], capture_output=True,
                          text=True)


def test_only_a_log_message_may_change_and_trac_is_told_which(site):
    repository = create_repository(site.settings, "demo")
    url = repository.as_uri()
    assert _svn("mkdir", "-m", "first", f"{url}/trunk").returncode == 0
    assert _svn("mkdir", "-m", "second", f"{url}/tags").returncode == 0

    assert _svn("propset", "--revprop", "-r", "1", "svn:log", "fixed", url).returncode == 0
    assert _svn("propget", "--revprop", "-r", "1", "svn:log", url).stdout.strip() == "fixed"
    assert _svn("propset", "--revprop", "-r", "2", "svn:log", "again", url).returncode == 0
    assert (repository / REVPROPS_CHANGED).read_text() == "1\n2\n"

    for refused in (["propset", "--revprop", "-r", "1", "svn:author", "mallory", url],
                    ["propset", "--revprop", "-r", "1", "svn:date",
                     "2001-01-01T00:00:00.000000Z", url],
                    ["propset", "--revprop", "-r", "1", "custom", "x", url],
                    ["propdel", "--revprop", "-r", "1", "svn:log", url]):
        answer = _svn(*refused)
        assert answer.returncode != 0, refused
        assert "Only a revision's log message (svn:log) can be changed" in answer.stderr
    assert _svn("propget", "--revprop", "-r", "1", "svn:log", url).stdout.strip() == "fixed"
    assert (repository / REVPROPS_CHANGED).read_text() == "1\n2\n"


def test_an_import_in_progress_may_set_every_revision_property(site):
    repository = create_repository(site.settings, "demo")
    url = repository.as_uri()
    assert _svn("mkdir", "-m", "first", f"{url}/trunk").returncode == 0
    (repository / IMPORT_IN_PROGRESS).touch()
    assert _svn("propset", "--revprop", "-r", "1", "svn:author", "carol",
                url).returncode == 0
    (repository / IMPORT_IN_PROGRESS).unlink()
    assert _svn("propset", "--revprop", "-r", "1", "svn:author", "dave",
                url).returncode != 0


def test_hooks_are_written_anew_where_they_differ(site):
    repository = create_repository(site.settings, "demo")
    hook = repository / "hooks" / "pre-revprop-change"
    ours = hook.read_text()
    hook.write_text("#!/bin/sh\nexit 0\n")
    update_hooks(site.settings, "demo")
    assert hook.read_text() == ours and os.access(hook, os.X_OK)


def test_old_post_commit_hooks_are_removed_and_the_operators_kept(site):
    repository = create_repository(site.settings, "demo")
    hook = repository / "hooks" / "post-commit"
    hook.write_text(f"#!/bin/sh\n# {GENERATED_MARK} for project demo\ntrac-admin ...\n")
    update_hooks(site.settings, "demo")
    assert not hook.exists()
    hook.write_text("#!/bin/sh\n# the operator's own mail hook\n")
    update_hooks(site.settings, "demo")
    assert hook.exists()


def _open_transaction(repository) -> Path:
    """A transaction begun and never committed, as a killed worker leaves one."""
    import svn.fs
    import svn.repos
    fs = svn.repos.fs(svn.repos.open(str(repository)))
    txn = svn.fs.begin_txn2(fs, svn.fs.youngest_rev(fs), 0)
    return repository / "db" / "transactions" / f"{svn.fs.txn_name(txn).decode()}.txn"


def test_dead_transactions_are_removed_and_young_ones_kept(site):
    repository = create_repository(site.settings, "demo")
    dead, young = _open_transaction(repository), _open_transaction(repository)
    hours_ago = time.time() - 2 * 3600
    os.utime(dead, (hours_ago, hours_ago))
    assert remove_dead_transactions(site.settings, "demo") == 1
    assert not dead.exists() and young.exists()
