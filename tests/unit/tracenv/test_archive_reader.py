"""An archive of Trac data is hostile until checked: each test here makes the attack
(a name that climbs out, a link, a device, a decompression bomb, bad text, a foreign
database that is not what it claims) and shows it refused with nothing written where
it aimed."""
import gzip
import io
import json
import random
import shutil
import sqlite3
import tarfile

import pytest

from devjavu.tracenv.archive_data import trac_data
from devjavu.tracenv.archive_format import TABLES_BY_NAME, ArchiveError
from devjavu.tracenv.archive_reader import (ENVIRONMENT, EXPORT, ArchiveLimits,
                                            unpack_archive)
from devjavu.tracenv.archive_rows import json_rows
from tests.support.tracdata import environment_tar, new_environment, regular, special, tar_of

MANIFEST = json.dumps({"format": "devjavu-trac", "version": 1}).encode()


@pytest.fixture
def target(tmp_path):
    return tmp_path / "staging" / "unpacked"


def _unpack(target, archive: bytes, limits=ArchiveLimits()):
    target.parent.mkdir(exist_ok=True)
    return unpack_archive(io.BytesIO(archive), target, limits)


@pytest.mark.parametrize("name", ["t/../../escaped.txt", "../escaped.txt",
                                  "t/files/attachments/../../../../escaped.txt",
                                  "t/db/tra\x1bc.db", "t//db/trac.db", "t/./db/trac.db"])
def test_a_name_that_leaves_the_target_is_refused(target, name):
    with pytest.raises(ArchiveError, match="not a plain relative path"):
        _unpack(target, tar_of([regular(name, b"got out")]))
    assert not list(target.parent.parent.rglob("escaped.txt"))


def test_an_absolute_name_is_refused(target, tmp_path):
    aimed_at = tmp_path / "elsewhere" / "db" / "trac.db"
    with pytest.raises(ArchiveError, match="not a plain relative path"):
        _unpack(target, tar_of([regular(str(aimed_at), b"got out")]))
    assert not aimed_at.exists()


@pytest.mark.parametrize("kind", [tarfile.SYMTYPE, tarfile.LNKTYPE])
def test_a_link_is_refused_before_anything_is_written_through_it(target, tmp_path, kind):
    """The link, then a file below it: written through the link, it would land outside."""
    outside = tmp_path / "outside"
    outside.mkdir()
    with pytest.raises(ArchiveError, match="neither a file nor a folder"):
        _unpack(target, tar_of([special("t/db", kind, str(outside)),
                                regular("t/db/trac.db", b"got out")]))
    assert list(outside.iterdir()) == []
    assert not (target / "db").exists()


@pytest.mark.parametrize("kind", [tarfile.CHRTYPE, tarfile.BLKTYPE, tarfile.FIFOTYPE])
def test_a_device_or_fifo_is_refused_even_where_imports_read_nothing(target, kind):
    with pytest.raises(ArchiveError, match="neither a file nor a folder"):
        _unpack(target, tar_of([regular("t/db/trac.db", b""),
                                special("t/conf/null", kind)]))


def test_a_decompression_bomb_stops_at_the_limit(target):
    """A megabyte of zeros compresses to a kilobyte; in a part imports do not even read."""
    bomb = tar_of([regular("t/htdocs/zeros", b"\0" * 2**21), regular("t/db/trac.db", b"")])
    assert len(bomb) < 2**13
    with pytest.raises(ArchiveError, match="unpacks to more than 1 MiB"):
        _unpack(target, bomb, ArchiveLimits(unpacked_bytes=2**20))
    assert not (target / "db" / "trac.db").exists()


def test_too_many_members_or_too_large_a_database_are_refused(target, tmp_path):
    many = tar_of([regular(f"t/log/{n}", b"") for n in range(20)])
    with pytest.raises(ArchiveError, match="more than 10 files"):
        _unpack(target, many, ArchiveLimits(members=10))
    with pytest.raises(ArchiveError, match="larger than 0 MiB"):
        _unpack(tmp_path / "again", tar_of([regular("t/db/trac.db", b"x" * 10)]),
                ArchiveLimits(database_bytes=5))


def test_a_member_given_twice_is_refused(target):
    """The second copy would replace the checked first one."""
    with pytest.raises(ArchiveError, match="in the archive twice"):
        _unpack(target, tar_of([regular("t/db/trac.db", b"first"),
                                regular("t/db/trac.db", b"second")]))
    assert (target / "db" / "trac.db").read_bytes() == b"first"


@pytest.mark.parametrize("archive", [
    b"just some notes\n" * 100,
    gzip.compress(b"just some notes\n" * 100),
    tar_of([regular("t/db/trac.db", random.Random(1).randbytes(8192))])[:4096],  # cut
], ids=["text", "gzipped text", "cut"])
def test_what_is_no_whole_tar_is_refused(target, archive):
    with pytest.raises(ArchiveError, match="not a whole tar archive"):
        _unpack(target, archive)


@pytest.mark.parametrize("members,message", [
    ([regular("a/db/trac.db", b""), regular("b/files/attachments/ticket/x", b"")],
     "more than one Trac"),
    ([regular("t/conf/trac.ini", b"")], "neither a Trac data export"),
    ([regular("t/db/trac.db", b""), regular("t/devjavu-trac.json", MANIFEST)], "both"),
])
def test_an_archive_that_is_not_one_trac_is_refused(target, members, message):
    with pytest.raises(ArchiveError, match=message):
        _unpack(target, tar_of(members))


def test_only_what_an_import_reads_is_written(target):
    unpacked = _unpack(target, tar_of([
        regular("old-trac/conf/trac.ini", b"[components]\nevil.* = enabled\n"),
        regular("old-trac/plugins/evil.py", b"import os"),
        regular("old-trac/db/trac.db", b"data"),
        regular("old-trac/files/attachments/ticket/356/x/y.txt", b"file"),
        regular("old-trac/files/other/z", b"not an attachment")], compression=""))
    assert unpacked.kind == ENVIRONMENT
    assert sorted(str(p.relative_to(target)) for p in target.rglob("*") if p.is_file()) \
        == ["db/trac.db", "files/attachments/ticket/356/x/y.txt"]
    assert _unpack(target.parent / "export", tar_of([
        regular("devjavu-trac.json", MANIFEST)])).kind == EXPORT
    dotted = _unpack(target.parent / "dotted", tar_of([   # as `tar czf x -C env .` makes
        special("./", tarfile.DIRTYPE), regular("./db/trac.db", b"data")]))
    assert (dotted.root / "db" / "trac.db").read_bytes() == b"data"


@pytest.mark.parametrize("line,message", [
    (b'{"name":"\xff\xfe","owner":"x","description":""}', "not UTF-8"),
    (b'{"name":"a","owner":"x","description":"","name":"b"}', "a key is given twice"),
    (b'{"name":"a","owner":"x","description":NaN}', "NaN is not a number"),
    (b'["a","x",""]', "not a JSON object"),
    (b'{"name":"a","owner":"x"}', "missing description"),
    (b'{"name":"a","owner":"x","description":"","extra":1}', "unknown extra"),
    (b'{"name":"a\\u0000b","owner":"x","description":""}', "name is not valid text"),
    (b'{"name":"\\udc80","owner":"x","description":""}', "name is not valid text"),
    (b'{"name":null,"owner":"x","description":""}', "name is empty"),
    (b'{"name":7,"owner":"x","description":""}', "name is not text"),
    (b'{"name":"a","owner":"x","description":"' + b"d" * 2000 + b'"}', "longer than"),
    (b'{"name":"a","owner":"x","description":""', "not a JSON object"),
])
def test_a_bad_table_line_is_refused_naming_it(tmp_path, line, message):
    path = tmp_path / "component.jsonl"
    path.write_bytes(b'{"name":"ok","owner":"x","description":""}\n' + line + b"\n")
    with pytest.raises(ArchiveError, match=f"tables/component.jsonl line 2.*{message}"):
        list(json_rows(path, TABLES_BY_NAME["component"], line_bytes=1000))


@pytest.mark.parametrize("value", [True, 1.5, 2**63, "12"])
def test_a_number_column_takes_whole_numbers_only(tmp_path, value):
    path = tmp_path / "version.jsonl"
    path.write_text(json.dumps({"name": "1.0", "time": value, "description": ""}) + "\n")
    with pytest.raises(ArchiveError, match="time is not a whole number"):
        list(json_rows(path, TABLES_BY_NAME["version"], line_bytes=1000))


@pytest.fixture(scope="module")
def trac_db(tmp_path_factory):
    """A real Trac 1.6 environment's database, to make foreign ones from."""
    path = new_environment(tmp_path_factory.mktemp("foreign") / "old-trac")
    return path / "db" / "trac.db"


def _foreign(tmp_path, trac_db, change):
    """A tar of an environment whose database `change` altered, unpacked."""
    env = tmp_path / "old-trac"
    (env / "db").mkdir(parents=True)
    shutil.copy(trac_db, env / "db" / "trac.db")
    with sqlite3.connect(env / "db" / "trac.db") as db:
        change(db)
    return _unpack(tmp_path / "unpacked", environment_tar(env))


@pytest.mark.parametrize("change,message", [
    (lambda db: db.execute("UPDATE system SET value = '21' WHERE name = 'database_version'"),
     "its version is 21"),
    (lambda db: db.executescript("DROP TABLE component; CREATE VIEW component AS SELECT "
                                 "'x' AS name, 'y' AS owner, 'z' AS description"),
     "has no component table"),
    (lambda db: db.execute("INSERT INTO component VALUES (CAST(x'ff41' AS TEXT), '', '')"),
     "not UTF-8"),
    (lambda db: db.execute("INSERT INTO milestone VALUES ('m', 'soon', 0, '')"),
     "due is not a whole number"),
    (lambda db: db.execute("DROP TABLE system"), "not a Trac database"),
])
def test_a_foreign_database_that_is_not_what_it_claims_is_refused(tmp_path, trac_db,
                                                                  change, message):
    unpacked = _foreign(tmp_path, trac_db, change)
    with pytest.raises(ArchiveError, match=message):
        with trac_data(unpacked) as data:
            for spec in TABLES_BY_NAME.values():
                list(data.rows(spec))


def test_a_file_that_is_no_database_is_refused(target):
    unpacked = _unpack(target, tar_of([regular("t/db/trac.db", b"SQLite format 3\0" +
                                               b"\xff" * 500)]))
    with pytest.raises(ArchiveError, match="not an SQLite database"):
        with trac_data(unpacked):
            pass
