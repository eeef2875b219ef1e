import bz2
import gzip
import io
import subprocess

import pytest
from subvertpy import repos

from devjavu.svn import dumps
from tests.support.history import log, make_history


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    path = make_history(tmp_path_factory.mktemp("source") / "repo", revisions=20)
    plain = subprocess.run(["svnadmin", "dump", "--quiet", str(path)], capture_output=True,
                           check=True).stdout
    return path, plain


def _empty(tmp_path, name="target"):
    path = tmp_path / name
    repos.create(str(path))
    return path


@pytest.mark.parametrize("pack", [lambda b: b, gzip.compress, bz2.compress],
                         ids=["plain", "gzip", "bzip2"])
def test_a_dump_in_any_of_its_forms_loads_the_whole_history(source, tmp_path, pack):
    path, plain = source
    target = _empty(tmp_path)
    seen = []
    assert dumps.load(target, io.BytesIO(pack(plain)), seen.append) == 20
    assert seen == list(range(1, 21))
    assert log(target.as_uri()) == log(path.as_uri())


def test_the_repository_keeps_its_own_uuid(source, tmp_path):
    target = _empty(tmp_path)
    before = subprocess.run(["svnlook", "uuid", str(target)], capture_output=True,
                            text=True).stdout
    dumps.load(target, io.BytesIO(source[1]))
    assert subprocess.run(["svnlook", "uuid", str(target)], capture_output=True,
                          text=True).stdout == before


@pytest.mark.parametrize("data, message", [
    (b"", "not a Subversion dump"),
    (b"#!/bin/sh\nrm -rf /\n", "not a Subversion dump"),
    (gzip.compress(b"hello, not a dump", mtime=0), "not a Subversion dump"),
    (bz2.compress(b"SVN-fs-dump-format-version: 2\n\nnonsense"), "header|Premature"),
], ids=["empty", "a script", "gzip of text", "bzip2 of a broken dump"])
def test_what_is_not_a_dump_is_refused(tmp_path, data, message):
    with pytest.raises(dumps.DumpError, match=message):
        dumps.load(_empty(tmp_path), io.BytesIO(data))


def test_a_dump_cut_halfway_is_refused(source, tmp_path):
    plain = source[1]
    with pytest.raises(dumps.DumpError):
        dumps.load(_empty(tmp_path, "a"), io.BytesIO(plain[:len(plain) // 2]))
    squeezed = gzip.compress(plain)
    with pytest.raises(dumps.DumpError, match="ends too early|damaged|Premature"):
        dumps.load(_empty(tmp_path, "b"), io.BytesIO(squeezed[:len(squeezed) // 2]))


def test_a_load_ends_when_asked_to(source, tmp_path):
    with pytest.raises(dumps.DumpError, match="the disk is full"):
        dumps.load(_empty(tmp_path), io.BytesIO(source[1]),
                   stop=lambda: "the disk is full")


@pytest.mark.parametrize("compress", [False, True])
def test_a_written_dump_loads_into_the_same_history(source, tmp_path, compress):
    path, _ = source
    written = b"".join(dumps.dump_chunks(path, compress=compress))
    if compress:
        assert written[:2] == b"\x1f\x8b"
    target = _empty(tmp_path)
    dumps.load(target, io.BytesIO(written))
    assert log(target.as_uri()) == log(path.as_uri())


def test_another_repository_is_read_as_a_dump(source, tmp_path):
    target = _empty(tmp_path)
    dumps.load(target, dumps.dump_repository_path(source[0]))
    assert log(target.as_uri()) == log(source[0].as_uri())
    with pytest.raises(dumps.DumpError, match="not a Subversion repository"):
        dumps.dump_repository_path(tmp_path)


def test_a_dump_cut_inside_a_record_s_headers_is_refused(source, tmp_path):
    plain = source[1]
    cut = plain.index(b"Node-action: add\n", len(plain) // 2) + len(b"Node-action: add\n")
    with pytest.raises(dumps.DumpError, match="stops inside a record"):
        dumps.load(_empty(tmp_path), io.BytesIO(plain[:cut]))


def test_a_mirror_s_properties_do_not_come_with_a_dump(source, tmp_path):
    mirror = _empty(tmp_path, "mirror")
    dumps.load(mirror, io.BytesIO(source[1]))
    for name, value in (("svn:sync-from-url", "http://10.0.0.1/secret"),
                        ("svn:sync-from-uuid", "x"), ("svn:sync-last-merged-rev", "20")):
        subprocess.run(["svnadmin", "setrevprop", str(mirror), "-r", "0", name,
                        "/dev/stdin"], input=value.encode(), check=True)
    written = b"".join(dumps.dump_chunks(mirror, compress=False))
    assert b"svn:sync-from-url" in written
    target = _empty(tmp_path)
    dumps.load(target, io.BytesIO(written))
    assert set(repos.Repository(str(target)).fs().revision_proplist(0)) == {"svn:date"}
