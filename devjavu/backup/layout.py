"""Where things are inside one backup folder, and how backups are named and found."""
import re
import time
from datetime import datetime, timezone
from pathlib import Path

STAMP_FORMAT = "%Y%m%dT%H%M%SZ"
STAMP_RE = re.compile(r"\A[0-9]{8}T[0-9]{6}Z\Z")   # [0-9]: \d takes any Unicode digit
MANIFEST = "manifest.json"
# The manifest's HMAC with the site's backup key (see signing).
SIGNATURE = "manifest.json.hmac"
SQLITE_COPY = "database/devjavu.sqlite"
POSTGRES_DUMP = "database/devjavu.pgdump"


def new_stamp(now: datetime | None = None) -> str:
    return (now or datetime.now(timezone.utc)).strftime(STAMP_FORMAT)


def unused_stamp(backup_dir: Path, now=lambda: datetime.now(timezone.utc)) -> str:
    """A stamp no backup in `backup_dir` has: a backup taken in the same second as the
    one before (a script's two calls, say) waits for the next second. Called under the
    backup directory's lock, so no other run takes the same one meanwhile."""
    while (backup_dir / (stamp := new_stamp(now()))).exists():
        time.sleep(0.05)
    return stamp


def stamp_time(name: str) -> datetime:
    return datetime.strptime(name, STAMP_FORMAT).replace(tzinfo=timezone.utc)


def completed_backups(backup_dir: Path) -> list[Path]:
    """Finished backups, oldest first (a partial one never has a stamp name)."""
    if not backup_dir.is_dir():
        return []
    return sorted(p for p in backup_dir.iterdir()
                  if p.is_dir() and STAMP_RE.match(p.name) and (p / MANIFEST).is_file())
