from urllib.parse import urlsplit

import pytest

from devjavu.dispatch.legacy import legacy_target


@pytest.mark.parametrize("path,query,target", [
    ("/projects/demo/trac/wiki/Start", "", "/demo/wiki/Start"),
    ("/projects/demo/trac", "", "/demo/"),
    ("/projects/demo/trac/", "a=1", "/demo/?a=1"),
    ("/trac/demo/ticket/4", "action=edit&x=%20", "/demo/ticket/4?action=edit&x=%20"),
    ("/trac/demo", "", "/demo/"),
    ("/trac/demo/query", "status=!closed&owner=$USER&order=id;desc",
     "/demo/query?status=!closed&owner=$USER&order=id;desc"),
    ("/trac/demo/timeline", "from=2024-01-01&daysback=3+4&q=%2F%2Fx",
     "/demo/timeline?from=2024-01-01&daysback=3+4&q=%2F%2Fx"),
])
def test_legacy_urls(path, query, target):
    assert legacy_target(path, query) == target


@pytest.mark.parametrize("path", ["/demo/wiki", "/projects/demo", "/projects/demo/svn",
                                  "/tracker/demo", "/", "/projectsx/demo/trac"])
def test_other_urls_are_not_legacy(path):
    assert legacy_target(path, "") is None


# PATH_INFO as the WSGI server hands it over: percent-decoded, bytes as latin-1.
@pytest.mark.parametrize("path", [
    "/trac/\\evil.example/",                      # /trac/%5Cevil.example/
    "/trac/\\\\evil.example/",
    "/projects/\t/trac/wiki",                      # /projects/%09/trac/wiki
    "/projects/\t\t/trac/",
    "/trac/\r\nSet-Cookie: x=1/",                  # %0d%0a
    "/trac/demo\r\nLocation: http://evil.example/",
    "/trac/demo\n/",
    "/trac/demo\t/",
    "/trac//evil.example/",                        # //
    "/trac///evil.example/",                       # %2F%2F
    "/projects///evil.example/trac/",
    "/trac/evil.example/",
    "/trac/http:/",
    "/trac/Demo/",
    "/trac/d/",
    "/trac/caf\xc3\xa9/",                           # café, UTF-8 as latin-1
    "/trac/d\u0435mo/",                             # a Cyrillic e, not from a WSGI server
    "/trac/%2F%2Fevil.example/",                   # double encoded: "%" is no name
    "/trac/trac/",                                 # reserved names are no projects
    "/projects/admin/trac/",
])
def test_attack_urls_are_not_redirected(path):
    assert legacy_target(path, "") is None


@pytest.mark.parametrize("path,query", [
    ("/trac/demo/\\evil.example/", ""),
    ("/trac/demo//evil.example/", ""),
    ("/trac/demo/\t/evil.example", ""),
    ("/trac/demo/\r\nSet-Cookie: x=1", ""),
    ("/projects/demo/trac//\\evil.example", "a=\\\\evil.example"),
    ("/trac/demo/wiki/Caf\xc3\xa9", "q=caf\xc3\xa9\t\r\n//x"),
    ("/trac/demo/wiki/x", "next=//evil.example&back=\\evil"),
])
def test_location_stays_on_the_site(path, query):
    target = legacy_target(path, query)
    assert target is not None and target.startswith("/demo/")
    assert not any(c in target for c in "\\\t\r\n ") and target.isascii()
    parts = urlsplit(target)
    assert parts.scheme == "" and parts.netloc == ""


def test_unicode_is_kept_percent_encoded():
    assert legacy_target("/trac/demo/wiki/Caf\xc3\xa9", "q=caf\xc3\xa9") == \
        "/demo/wiki/Caf%C3%A9?q=caf%C3%A9"
    assert legacy_target("/trac/demo/wiki/50%", "") == "/demo/wiki/50%25"
