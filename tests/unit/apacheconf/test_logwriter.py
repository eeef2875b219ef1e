"""logwriter.py, run as Apache runs it: lines on its standard input, files on disk."""
import subprocess
import sys

from devjavu.apacheconf.render import LOG_WRITER


def _run_writer(path, lines: list[str], max_bytes: int = 1000, keep: int = 3) -> None:
    subprocess.run([sys.executable, "-I", "-S", str(LOG_WRITER), str(path), str(max_bytes),
                    str(keep)], input="".join(line + "\n" for line in lines).encode(),
                   check=True, timeout=30)


def _files(tmp_path) -> dict[str, str]:
    return {p.name: p.read_text() for p in sorted(tmp_path.iterdir())}


def test_a_new_writer_appends_to_the_file_it_finds(tmp_path):
    _run_writer(tmp_path / "error.log", ["first start"])
    _run_writer(tmp_path / "error.log", ["second start"])
    assert _files(tmp_path) == {"error.log": "first start\nsecond start\n"}


def test_files_rotate_at_line_ends_and_only_keep_remain(tmp_path):
    lines = [f"line {n:03d} " + "x" * 90 for n in range(40)]       # 100 bytes each
    _run_writer(tmp_path / "access.log", lines[:25])
    _run_writer(tmp_path / "access.log", lines[25:])
    files = _files(tmp_path)
    assert sorted(files) == ["access.log", "access.log.1", "access.log.2"]
    assert all(len(text) <= 1000 and text.endswith("\n") for text in files.values())
    kept = files["access.log.2"] + files["access.log.1"] + files["access.log"]
    assert kept == "".join(line + "\n" for line in lines[-len(kept) // 100:])
    assert len(kept) // 100 >= 20


def test_a_line_longer_than_a_file_is_cut_to_fit(tmp_path):
    _run_writer(tmp_path / "error.log", ["short", "y" * 2500], keep=5)
    assert [len(text) for text in _files(tmp_path).values()] == [501, 1000, 1000, 6]


def test_files_beyond_keep_go_at_start(tmp_path):
    for name in ("error.log.2", "error.log.7", "error.log.old"):
        (tmp_path / name).write_text("old\n")
    _run_writer(tmp_path / "error.log", ["new"])
    assert sorted(_files(tmp_path)) == ["error.log", "error.log.2", "error.log.old"]


def test_keep_one_is_one_file(tmp_path):
    _run_writer(tmp_path / "error.log", [f"{n:09d}" for n in range(150)], keep=1)
    files = _files(tmp_path)
    assert list(files) == ["error.log"] and files["error.log"].endswith("000000149\n")
