"""The last good backup and the last failure, for /_health and `check`."""
import json
import os
from datetime import datetime, timezone
from pathlib import Path

from devjavu.fsutil import atomic_write

STATUS_FILE = "status.json"


def read_status(backup_dir: Path) -> dict:
    try:
        return json.loads((backup_dir / STATUS_FILE).read_text())
    except (OSError, ValueError):
        return {}


def _record(backup_dir: Path, key: str, entry: dict) -> None:
    status = read_status(backup_dir)
    status[key] = {"at": datetime.now(timezone.utc).isoformat(), **entry}
    try:
        # Root writes it when it takes the backup; /_health reads it as the run user.
        atomic_write(backup_dir / STATUS_FILE, json.dumps(status, indent=2) + "\n",
                     mode=0o644)
    except OSError:
        # A full disk may keep even this small file from being written: the failure is
        # then still reported by the command's exit code and message.
        pass


def record_success(backup_dir: Path, path: Path, size_bytes: int) -> None:
    _record(backup_dir, "last_success", {"path": str(path), "size_bytes": size_bytes})


def record_failure(backup_dir: Path, error: str) -> None:
    _record(backup_dir, "last_failure", {"error": error})


def age_hours(entry: dict | None) -> float | None:
    if not entry:
        return None
    at = datetime.fromisoformat(entry["at"])
    return (datetime.now(timezone.utc) - at).total_seconds() / 3600


def site_age_hours(secret_path: Path) -> float:
    """How long this site has existed (its secret key is made on the first start)."""
    try:
        return (datetime.now(timezone.utc).timestamp() - os.stat(secret_path).st_mtime) / 3600
    except OSError:
        return 0.0
