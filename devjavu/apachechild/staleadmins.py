"""Site admins whom the groups file on disk still names but the database no longer does.

The site admins' groups file grants its members every repository. When it cannot be
rewritten (a full disk), the previous file stays (devjavu/authz/install.py): removing it
would lock every project at once. An admin revoked meanwhile would keep that access, so
the svn auth provider refuses whoever the file names as admin while the database says
otherwise, until the file is rewritten: closed for that user alone. The file is read
again only when it changes (inode, size, time); the database is asked only about the
few names it lists.
"""
import os
from pathlib import Path

from sqlalchemy import Engine, bindparam, select

from devjavu.authz.build import SITE_ADMINS_GROUP, parse_section
from devjavu.models import User

_users = User.__table__
_IS_ADMIN = select(_users.c.is_admin).where(_users.c.username == bindparam("username"))


class StaleAdmins:
    def __init__(self, groups_path: Path):
        self.groups_path = groups_path
        self._seen: tuple | None = None
        self._listed: frozenset[str] = frozenset()

    def listed(self) -> frozenset[str]:
        """The names the groups file on disk gives admin access (none if it is missing or
        not of the shape DevjaVu writes, which Apache would refuse anyway)."""
        try:
            status = os.stat(self.groups_path)
        except OSError:
            return frozenset()
        seen = (status.st_ino, status.st_size, status.st_mtime_ns)
        if seen != self._seen:
            try:
                text = Path(self.groups_path).read_text(encoding="utf-8")
                value = parse_section(text, "[groups]").get(SITE_ADMINS_GROUP, "")
                self._listed = frozenset(n.strip() for n in value.split(",") if n.strip())
            except (OSError, ValueError):
                self._listed = frozenset()
            self._seen = seen
        return self._listed

    def refuses(self, engine: Engine, username: str) -> bool:
        """Whether the file grants `username` admin access that the database took away
        (a connection is taken only for a name the file lists)."""
        if username not in self.listed():
            return False
        with engine.connect() as connection:
            return not connection.execute(_IS_ADMIN, {"username": username}).scalar()
