"""The old service's long Trac URLs, answered with a 301 to the short one."""
import re

_LEGACY_RE = re.compile(r"^/(?:projects/(?P<a>[^/]+)/trac|trac/(?P<b>[^/]+))(?P<rest>/.*)?$")


def legacy_target(path_info: str, query_string: str) -> str | None:
    """The short URL path for a legacy one (query string kept), or None."""
    match = _LEGACY_RE.match(path_info)
    if match is None:
        return None
    project = match.group("a") or match.group("b")
    target = f"/{project}{match.group('rest') or '/'}"
    return f"{target}?{query_string}" if query_string else target
