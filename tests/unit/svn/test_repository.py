import os
import time
from pathlib import Path

from devjavu.svn.repository import (GENERATED_MARK, create_repository,
                                    remove_dead_transactions, update_hooks)


def test_a_new_repository_runs_no_hook_of_ours(site):
    repository = create_repository(site.settings, "demo")
    assert not (repository / "hooks" / "post-commit").exists()


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
