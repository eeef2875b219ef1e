import pytest

from devjavu.dispatch.legacy import legacy_target


@pytest.mark.parametrize("path,query,target", [
    ("/projects/demo/trac/wiki/Start", "", "/demo/wiki/Start"),
    ("/projects/demo/trac", "", "/demo/"),
    ("/projects/demo/trac/", "a=1", "/demo/?a=1"),
    ("/trac/demo/ticket/4", "action=edit&x=%20", "/demo/ticket/4?action=edit&x=%20"),
    ("/trac/demo", "", "/demo/"),
])
def test_legacy_urls(path, query, target):
    assert legacy_target(path, query) == target


@pytest.mark.parametrize("path", ["/demo/wiki", "/projects/demo", "/projects/demo/svn",
                                  "/tracker/demo", "/", "/projectsx/demo/trac"])
def test_other_urls_are_not_legacy(path):
    assert legacy_target(path, "") is None
