from datetime import datetime, timedelta, timezone

from devjavu.backup.layout import new_stamp
from devjavu.backup.retention import backups_to_keep


def _stamps(days: int, per_day: int = 2) -> list[str]:
    start = datetime(2026, 1, 1, tzinfo=timezone.utc)
    return [new_stamp(start + timedelta(days=d, hours=6 * h))
            for d in range(days) for h in range(per_day)]


def test_keeps_newest_of_each_recent_day_and_week():
    stamps = _stamps(60)
    keep = backups_to_keep(stamps, keep_daily=7, keep_weekly=4)
    newest_first = sorted(stamps, reverse=True)
    assert newest_first[0] in keep
    assert newest_first[1] not in keep                    # same day, older
    days = {s[:8] for s in keep}
    assert len(keep) <= 7 + 4 and len(days) == len(keep)
    assert min(keep) >= new_stamp(datetime(2026, 1, 1, tzinfo=timezone.utc)
                                  + timedelta(days=60 - 4 * 7 - 7))


def test_a_single_backup_is_always_kept():
    stamps = _stamps(1, per_day=1)
    assert backups_to_keep(stamps, keep_daily=1, keep_weekly=0) == set(stamps)
