import pytest

from devjavu.dispatch.rawcontent import (NO_SNIFFING, SANDBOX, is_raw_content,
                                         with_content_headers)


@pytest.mark.parametrize("path,query,raw", [
    ("/browser/trunk/page.html", "format=raw", True),
    ("/browser/trunk/page.html", "rev=3&format=txt", True),
    ("/export/HEAD/trunk/page.html", "", True),
    ("/raw-attachment/ticket/1/page.html", "", True),
    ("/zip-attachment/ticket/1/", "", True),
    ("/attachment/ticket/1/page.html", "format=raw", True),
    ("/changeset/3", "format=zip", True),
    ("/wiki/WikiStart", "format=", True),
    ("/wiki/WikiStart", "", False),
    ("/browser/trunk/page.html", "", False),
    ("/attachment/ticket/1/page.html", "", False),
    ("/timeline", "daysback=30", False),
])
def test_what_counts_as_content_as_stored(path, query, raw):
    assert is_raw_content(path, query) is raw


def test_downloads_are_sandboxed_however_they_were_asked_for():
    page = [("Content-Type", "text/html")]
    assert with_content_headers(page, raw_request=False) == page + [NO_SNIFFING]
    assert SANDBOX in with_content_headers(page, raw_request=True)
    download = [("Content-Type", "text/html"), ("content-disposition", "attachment")]
    assert with_content_headers(download, raw_request=False) == download + [NO_SNIFFING,
                                                                             SANDBOX]
