"""A backup moves between root and the run user as a tar stream; the receiver writes only
folders and regular files with plain names below its target, whatever the stream holds."""
import io
import os
import tarfile

import pytest

from devjavu.backup.stream import StreamError, receive_tree, send_tree


def _stream(*members: tuple[tarfile.TarInfo, bytes]) -> io.BytesIO:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=tarfile.PAX_FORMAT) as archive:
        for member, content in members:
            member.size = len(content)
            archive.addfile(member, io.BytesIO(content))
    out.seek(0)
    return out


def _member(name: str, kind=tarfile.REGTYPE, **fields) -> tarfile.TarInfo:
    member = tarfile.TarInfo(name)
    member.type = kind
    for key, value in fields.items():
        setattr(member, key, value)
    return member


def test_a_tree_arrives_whole_and_private(tmp_path):
    source = tmp_path / "source"
    (source / "repos" / "alpha" / "hooks").mkdir(parents=True)
    (source / "repos" / "alpha" / "format").write_text("6\n")
    hook = source / "repos" / "alpha" / "hooks" / "post-commit"
    hook.write_text("#!/bin/sh\n")
    hook.chmod(0o755)
    pipe = io.BytesIO()
    send_tree(source, pipe)
    pipe.seek(0)
    target = tmp_path / "target"
    target.mkdir()
    assert receive_tree(pipe, target) == 2
    assert (target / "repos" / "alpha" / "format").read_text() == "6\n"
    assert os.stat(target / "repos" / "alpha" / "format").st_mode & 0o777 == 0o600
    assert os.stat(target / "repos" / "alpha" / "hooks" / "post-commit").st_mode & 0o777 == 0o700
    assert os.stat(target / "repos").st_mode & 0o777 == 0o700


def test_a_link_in_the_tree_is_refused_when_sending(tmp_path):
    source = tmp_path / "source"
    source.mkdir()
    (source / "passwd").symlink_to("/etc/passwd")
    with pytest.raises(StreamError, match="passwd is neither a file nor a folder"):
        send_tree(source, io.BytesIO())


@pytest.mark.parametrize("members", [
    [(_member("link", tarfile.SYMTYPE, linkname="/etc"), b"")],
    [(_member("repos", tarfile.DIRTYPE), b""),
     (_member("repos/alpha", tarfile.SYMTYPE, linkname="../../outside"), b""),
     (_member("repos/alpha/format"), b"6\n")],
    [(_member("hard", tarfile.LNKTYPE, linkname="etc/shadow"), b"")],
    [(_member("../outside/x"), b"escaped")],
    [(_member("repos/../../outside/x"), b"escaped")],
    [(_member("/tmp/absolute-x"), b"escaped")],
    [(_member("fifo", tarfile.FIFOTYPE), b"")],
    [(_member("null", tarfile.CHRTYPE, devmajor=1, devminor=3), b"")],
    [(_member("line\nbreak"), b"x")],
], ids=["symlink", "symlinked-folder", "hardlink", "dotdot", "inner-dotdot", "absolute",
        "fifo", "device", "control-character"])
def test_what_a_backup_never_holds_is_refused_and_nothing_lands_outside(tmp_path, members):
    target = tmp_path / "target"
    target.mkdir()
    (tmp_path / "outside").mkdir()
    with pytest.raises(StreamError, match="refused"):
        receive_tree(_stream(*members), target)
    assert list((tmp_path / "outside").iterdir()) == []
    assert not os.path.lexists("/tmp/absolute-x")
    for directory, dirs, files in os.walk(target):
        for name in dirs + files:
            assert not os.path.islink(os.path.join(directory, name))
