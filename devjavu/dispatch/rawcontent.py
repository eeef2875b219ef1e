"""Headers that keep what tenants commit or attach from running as a page of this site.

Trac serves repository files and attachments as they are (`?format=raw`, `/export/`,
`/raw-attachment/`, and other `?format=` downloads). A committed or attached HTML or
SVG file would otherwise run its scripts on the site's origin, with the visitor's
session. Such answers get a CSP sandbox: the browser renders them, if at all, in an
opaque origin with no scripts, forms or plugins. Every Trac answer forbids content
sniffing, so that a file's declared type is the only one a browser uses.
"""
from urllib.parse import parse_qs

NO_SNIFFING = ("X-Content-Type-Options", "nosniff")
SANDBOX = ("Content-Security-Policy", "sandbox")
# Trac's handlers that send stored bytes rather than a page Trac rendered.
_RAW_PATH_PREFIXES = ("/export/", "/raw-attachment/", "/zip-attachment/")


def is_raw_content(path_info: str, query_string: str) -> bool:
    """Whether a request inside a project (PATH_INFO relative to the project) asks
    for content as stored, rather than one of Trac's pages."""
    if path_info.startswith(_RAW_PATH_PREFIXES):
        return True
    return "format" in parse_qs(query_string, keep_blank_values=True)


def with_content_headers(headers: list[tuple[str, str]], raw_request: bool
                         ) -> list[tuple[str, str]]:
    """Trac's `headers` and ours: any download (Trac marks one with a
    Content-Disposition) is sandboxed too, however it was asked for."""
    if raw_request or any(name.lower() == "content-disposition" for name, _ in headers):
        return headers + [NO_SNIFFING, SANDBOX]
    return headers + [NO_SNIFFING]
