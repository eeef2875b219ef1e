from devjavu.svn.repository import GENERATED_MARK, create_repository, update_hooks


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
