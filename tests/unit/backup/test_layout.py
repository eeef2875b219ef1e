"""Backup folders: only a whole stamp name with a manifest counts as a finished backup."""
from datetime import datetime, timezone

from devjavu.backup.layout import MANIFEST, STAMP_RE, completed_backups, unused_stamp


def test_only_whole_stamp_names_are_backups(tmp_path):
    names = ["20260102T030405Z", "20260102T030405Z\n", "x20260102T030405Z",
             "20260102T030405Z.partial", "\u0662\u0660\u0662\u0666\u0660\u0661\u0660\u0662"
             "T030405Z"]
    for name in names:
        (tmp_path / name).mkdir()
        (tmp_path / name / MANIFEST).write_text("{}")
    assert [p.name for p in completed_backups(tmp_path)] == ["20260102T030405Z"]
    assert [name for name in names if STAMP_RE.match(name)] == ["20260102T030405Z"]


def test_a_backup_in_the_same_second_as_the_last_waits_for_the_next(tmp_path):
    seconds = iter([datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)] * 3
                   + [datetime(2026, 1, 2, 3, 4, 6, tzinfo=timezone.utc)])
    (tmp_path / "20260102T030405Z").mkdir()
    assert unused_stamp(tmp_path, now=lambda: next(seconds)) == "20260102T030406Z"
