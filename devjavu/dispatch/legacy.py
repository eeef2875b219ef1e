"""The old service's long Trac URLs, answered with a 301 to the short one.

The Location is built from checked parts only: a valid project name, then the rest of
the path and the query string percent-encoded, so that no CR, LF, tab, backslash or
leading `//` reaches a browser, which would read them as another host or header.
"""
import re
from urllib.parse import quote

from devjavu.projects.names import ProjectNameError, validate_project_name

_LEGACY_RE = re.compile(r"/(?:projects/(?P<a>[^/]+)/trac|trac/(?P<b>[^/]+))(?P<rest>/.*)?",
                        re.DOTALL)

# Kept as they are in the path: RFC 3986's pchar and "/", never "%" or "\".
_PATH_SAFE = "/:@!$&'()*+,;=-._~"
# The query string arrives still encoded, so its escapes ("%") stay as they are.
_QUERY_SAFE = _PATH_SAFE + "?%"


def _wsgi_bytes(text: str) -> bytes | None:
    """The request's own bytes: a WSGI server hands them over as latin-1 (PEP 3333)."""
    try:
        return text.encode("latin-1")
    except UnicodeEncodeError:
        return None


def legacy_target(path_info: str, query_string: str) -> str | None:
    """The short URL path for a legacy one (query string kept), or None when `path_info`
    is not a legacy URL of a valid project name."""
    match = _LEGACY_RE.fullmatch(path_info)
    if match is None:
        return None
    try:
        project = validate_project_name(match.group("a") or match.group("b"))
    except ProjectNameError:
        return None
    return short_url(project, match.group("rest") or "/", query_string)


def short_url(project: str, rest: str, query_string: str) -> str | None:
    """`/<project><rest>?<query>`, each part percent-encoded; None when the request's
    path or query are not bytes a WSGI server could have handed over."""
    rest_bytes = _wsgi_bytes(rest or "/")
    query = _wsgi_bytes(query_string)
    if rest_bytes is None or query is None:
        return None
    # The name is quoted too, so that a pattern that lets a stray character through
    # still cannot end the header or the path segment.
    target = f"/{quote(project, safe='')}{quote(rest_bytes, safe=_PATH_SAFE)}"
    return f"{target}?{quote(query, safe=_QUERY_SAFE)}" if query else target
