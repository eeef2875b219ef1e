"""The backup key: made whole or not at all."""
import os

import pytest

from devjavu.backup.signing import KEY_BYTES, ensure_key, read_key
from tests.support.tmpfs import fill, mounted_tmpfs


@pytest.mark.skipif(os.geteuid() != 0, reason="a real full disk is a tmpfs: needs root")
def test_a_full_disk_leaves_no_empty_key_behind():
    with mounted_tmpfs("64k") as disk:
        fill(disk / "filler")
        key_path = disk / "backup.key"
        with pytest.raises(OSError):
            ensure_key(key_path)
        # An empty key left here refused every later backup, room or not.
        assert sorted(p.name for p in disk.iterdir()) == ["filler"]
        (disk / "filler").unlink()
        key = ensure_key(key_path)
        assert len(key) == KEY_BYTES and read_key(key_path) == key
        assert ensure_key(key_path) == key
        assert key_path.stat().st_mode & 0o777 == 0o600
