"""Replacing many generated files at once: each keeps its old bytes unless its new
version was written, validated and made durable."""
import pytest

from devjavu import fsutil
from tests.support.tmpfs import fill, mounted_tmpfs

MANY = fsutil.SYNCFS_FROM + 4


def _files(root, count):
    paths = []
    for i in range(count):
        (root / f"p{i}").mkdir()
        path = root / f"p{i}" / "authz"
        path.write_text(f"old {i}\n")
        paths.append(path)
    return paths


def _leftovers(root):
    return sorted(p.name for p in root.rglob(".*.tmp"))


def _refuse(marker):
    def validate(temp):
        if marker in temp.read_text():
            raise ValueError("refused")
    return validate


@pytest.mark.parametrize("count", [3, MANY])
def test_a_refused_file_keeps_its_bytes_and_the_others_are_replaced(tmp_path, count):
    paths = _files(tmp_path, count)
    failures = fsutil.atomic_write_many(
        [(path, f"new {i}{' bad' if i == 1 else ''}\n", _refuse("bad"))
         for i, path in enumerate(paths)])
    assert list(failures) == [paths[1]] and isinstance(failures[paths[1]], ValueError)
    assert paths[1].read_text() == "old 1\n"
    assert [p.read_text() for i, p in enumerate(paths) if i != 1] == \
        [f"new {i}\n" for i in range(count) if i != 1]
    assert _leftovers(tmp_path) == []


def test_a_missing_directory_fails_alone(tmp_path):
    paths = _files(tmp_path, MANY)
    missing = tmp_path / "gone" / "authz"
    failures = fsutil.atomic_write_many([(p, "new\n", None) for p in paths + [missing]])
    assert list(failures) == [missing]
    assert all(p.read_text() == "new\n" for p in paths)


def test_a_failed_sync_renames_nothing(tmp_path, monkeypatch):
    paths = _files(tmp_path, MANY)

    def failing_sync(path):
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(fsutil, "sync_filesystem", failing_sync)
    with pytest.raises(OSError):
        fsutil.atomic_write_many([(p, "new\n", None) for p in paths])
    assert [p.read_text() for p in paths] == [f"old {i}\n" for i in range(MANY)]
    assert _leftovers(tmp_path) == []


def test_a_full_disk_leaves_every_unwritten_file_byte_identical():
    with mounted_tmpfs("256k") as disk:
        paths = _files(disk, MANY)
        fill(disk / "filler", leave_bytes=6 * 4096)
        big = "x" * 5000 + "\n"
        failures = fsutil.atomic_write_many([(p, big, None) for p in paths])
        assert failures, "the disk should have run out"
        for i, path in enumerate(paths):
            assert path.read_text() == (f"old {i}\n" if path in failures else big)
        assert _leftovers(disk) == []
