"""What a project may be called."""
import re

# \A and \Z, not ^ and $: "$" also matches before a final newline, and "alpha\n" would
# pass every caller's NAME_RE.match.
NAME_RE = re.compile(r"\A[a-z][a-z0-9-]{1,39}\Z")

# Every top-level path the service answers itself, and a few it may want later: a project
# of that name would be unreachable at its short URL.
RESERVED_NAMES = frozenset({
    "svn", "static", "login", "logout", "signup", "account", "dashboard", "admin", "api",
    "projects", "trac", "chrome", "_health", "health", "invite", "invites", "reset",
    "help", "about", "docs", "status", "favicon", "robots", "www", "assets", "new",
    "users", "user", "settings", "search", "auth", "oauth", "register", "waitlist",
})


class ProjectNameError(ValueError):
    """A project name that cannot be used."""


def validate_project_name(name: str) -> str:
    if not NAME_RE.match(name):
        raise ProjectNameError(
            f"Invalid project name {name!r}: use 2 to 40 characters of a-z, 0-9 and '-',"
            " starting with a letter.")
    if name in RESERVED_NAMES:
        raise ProjectNameError(f"The project name {name!r} is reserved.")
    return name
