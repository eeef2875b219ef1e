"""Which backups to keep: the newest of each of the last N days and M weeks."""
import shutil
from pathlib import Path

from devjavu.backup.layout import completed_backups, stamp_time


def backups_to_keep(names: list[str], keep_daily: int, keep_weekly: int) -> set[str]:
    keep, days, weeks = set(), [], []
    for name in sorted(names, reverse=True):             # newest first
        when = stamp_time(name)
        day, week = when.date(), when.isocalendar()[:2]
        if day not in days and len(days) < keep_daily:
            days.append(day)
            keep.add(name)
        if week not in weeks and len(weeks) < keep_weekly:
            weeks.append(week)
            keep.add(name)
    return keep


def prune(backup_dir: Path, keep_daily: int, keep_weekly: int) -> list[Path]:
    """Remove completed backups beyond retention; run only after a new one succeeded."""
    backups = completed_backups(backup_dir)
    keep = backups_to_keep([b.name for b in backups], keep_daily, keep_weekly)
    removed = [b for b in backups if b.name not in keep]
    for path in removed:
        shutil.rmtree(path)
    return removed
