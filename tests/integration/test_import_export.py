"""A project's history in and out with devjavu-admin, on the running site: imported from
a dump (plain, gzip, bzip2) or another repository, seen by svn and Trac, exported and
imported again unchanged; a bad or cut dump, or a killed import, leaves nothing."""
import bz2
import gzip
import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
import requests

from tests.integration.conftest import PASSWORDS
from tests.support.apache import ADMIN
from tests.support.history import log, make_history, synthetic_dump
from tests.support.web import csrf_token, signed_in


@pytest.fixture(scope="module")
def history(tmp_path_factory):
    """A 100-revision repository and its dump in three forms."""
    directory = tmp_path_factory.mktemp("history")
    source = make_history(directory / "source", revisions=100)
    plain = subprocess.run(["svnadmin", "dump", "--quiet", str(source)],
                           capture_output=True, check=True).stdout
    files = {"plain": directory / "source.dump", "gzip": directory / "source.dump.gz",
             "bzip2": directory / "source.dump.bz2"}
    files["plain"].write_bytes(plain)
    files["gzip"].write_bytes(gzip.compress(plain))
    files["bzip2"].write_bytes(bz2.compress(plain))
    return source, files


def _nothing_of(site, name):
    data = site.dir.data_dir
    assert not (data / "repos" / name).exists() and not (data / "trac" / name).exists()
    assert name not in site.admin("project", "list").stdout.split()
    assert list((data / "imports").glob(f"{name}.*")) == []


@pytest.mark.parametrize("form", ["plain", "gzip", "bzip2"])
def test_a_dump_becomes_a_project_with_every_revision(running_site, history, form):
    source, files = history
    name = f"imported-{form}"
    answer = running_site.admin("project", "import", name, "--owner", "alice",
                                "--dump", str(files[form]))
    assert f"Imported project {name} with 100 revisions" in answer.stdout
    url = f"{running_site.http_url}/svn/{name}"
    assert log(url) == log(source.as_uri())
    with requests.Session() as http:
        for revision in (1, 2, 3, 50, 100) if form != "plain" else range(1, 101):
            page = http.get(f"{running_site.http_url}/{name}/changeset/{revision}")
            assert page.status_code == 200, revision
            assert f"change {revision}" in page.text
        timeline = http.get(f"{running_site.http_url}/{name}/timeline")
        assert "change 100" in timeline.text


def test_another_repository_on_the_server_becomes_a_project(running_site, history):
    source, _ = history
    with tempfile.TemporaryDirectory() as directory:      # where the run user reads it
        copy = Path(directory) / "old-server-repo"
        shutil.copytree(source, copy)
        subprocess.run(["chmod", "-R", "a+rX", directory], check=True)
        running_site.admin("project", "import", "imported-repo", "--owner", "alice",
                           "--repo", str(copy), "--private")
    assert log(f"{running_site.http_url}/svn/imported-repo", "--username", "alice",
               "--password", "alice-secret-1", "--no-auth-cache") == log(source.as_uri())
    assert log(f"{running_site.http_url}/svn/imported-repo", check=False) is None


def test_export_then_import_gives_the_same_history(running_site, history, tmp_path):
    source, files = history
    running_site.admin("project", "import", "exported", "--owner", "alice",
                       "--dump", str(files["plain"]))
    for suffix in (".dump", ".dump.gz"):         # a FILE ending in .gz is gzipped
        out = tmp_path / f"out{suffix}"
        running_site.admin("project", "export", "exported", "--dump", str(out))
        assert (out.read_bytes()[:2] == b"\x1f\x8b") == suffix.endswith(".gz")
    assert tmp_path.joinpath("out.dump").read_bytes() == gzip.decompress(
        tmp_path.joinpath("out.dump.gz").read_bytes())
    running_site.admin("project", "import", "exported-again", "--owner", "bob",
                       "--dump", str(tmp_path / "out.dump.gz"))
    assert log(f"{running_site.http_url}/svn/exported-again") == log(source.as_uri())


def test_a_dump_cut_halfway_is_refused_and_leaves_nothing(running_site, history,
                                                          tmp_path):
    for form, cut in (("plain", tmp_path / "cut.dump"), ("gzip", tmp_path / "cut.dump.gz")):
        whole = history[1][form].read_bytes()
        cut.write_bytes(whole[:len(whole) // 2])
        answer = running_site.admin("project", "import", "cut", "--owner", "alice",
                                    "--dump", str(cut), check=False)
        assert answer.returncode == 1
        *progress, error = answer.stderr.strip().splitlines()
        assert error.startswith("devjavu-admin: error: The import of cut failed: ")
        assert error.endswith(". Nothing was created."), error
        assert all(line.startswith("cut: loaded revision") for line in progress)
        _nothing_of(running_site, "cut")
    not_a_dump = tmp_path / "notes.txt"
    not_a_dump.write_text("just some notes\n")
    answer = running_site.admin("project", "import", "cut", "--owner", "alice",
                                "--dump", str(not_a_dump), check=False)
    assert "not a Subversion dump" in answer.stderr
    _nothing_of(running_site, "cut")
    running_site.admin("project", "add", "cut", "--owner", "alice")   # the name is free


def test_bad_requests_change_nothing(running_site, history, tmp_path):
    dump = str(history[1]["plain"])
    for args, message in [
        (["pub", "--owner", "alice", "--dump", dump], "already exists"),
        (["Bad Name", "--owner", "alice", "--dump", dump], "name"),
        (["fresh", "--owner", "nobody", "--dump", dump], "nobody"),
        (["fresh", "--owner", "alice", "--dump", str(tmp_path / "missing")],
         "cannot read"),
        (["fresh", "--owner", "alice", "--repo", str(tmp_path)],
         "not a Subversion repository"),
    ]:
        answer = running_site.admin("project", "import", *args, check=False)
        assert answer.returncode == 1 and message in answer.stderr, (args, answer.stderr)
    _nothing_of(running_site, "fresh")
    answer = running_site.admin("project", "export", "nosuch", "--dump",
                                str(tmp_path / "x.dump"), check=False)
    assert answer.returncode == 1 and "No such project" in answer.stderr


def test_a_killed_import_leaves_nothing_after_the_next_start(running_site, tmp_path):
    dump = tmp_path / "big.dump"
    dump.write_bytes(synthetic_dump(20000))
    importer = subprocess.Popen([ADMIN, "-c", str(running_site.dir.ini_path), "project",
                                 "import", "killed", "--owner", "alice", "--dump",
                                 str(dump)], stderr=subprocess.PIPE, text=True,
                                start_new_session=True)
    assert "loaded revision" in importer.stderr.readline()
    os.killpg(importer.pid, signal.SIGKILL)
    importer.wait()
    time.sleep(0.5)
    data = running_site.dir.data_dir
    assert list((data / "imports").glob("killed.*"))         # what the kill left
    assert not (data / "repos" / "killed").exists()
    running_site.admin("migrate")                              # what every start does
    _nothing_of(running_site, "killed")


def test_a_dump_larger_than_any_form_uploads_on_the_dashboard(running_site, tmp_path):
    """Through Apache and the WSGI daemon: a dump larger than the body limit of every
    other page (Trac's attachment limit) is streamed to disk and loaded by the job
    runner; the project's history is then the dump's, in svn and Trac."""
    source = tmp_path / "big-source"
    subprocess.run(["svnadmin", "create", str(source)], check=True)
    blob = tmp_path / "blob.bin"
    blob.write_bytes(os.urandom(12 * 2**20))
    subprocess.run(["svnmucc", "-U", source.as_uri(), "-m", "a large file", "put",
                    str(blob), "blob.bin"], check=True, capture_output=True)
    dump = subprocess.run(["svnadmin", "dump", "--quiet", str(source)], check=True,
                          capture_output=True).stdout
    assert len(dump) > 12 * 2**20
    base = running_site.http_url
    web = signed_in(base, "alice", PASSWORDS["alice"])
    answer = web.post(f"{base}/dashboard/new/dump",
                      data={"csrf_token": csrf_token(web, f"{base}/dashboard/new"),
                            "name": "uploaded", "description": "", "visibility": "public"},
                      files={"dump": ("big.dump", dump)})
    assert answer.status_code == 200 and answer.url.endswith("/dashboard/uploaded"), \
        answer.text[-2000:]
    deadline = time.monotonic() + 120
    while 'id="import"' in (page := web.get(f"{base}/dashboard/uploaded").text):
        assert "not loaded" not in page, page
        assert time.monotonic() < deadline, "the upload was not loaded in time"
        time.sleep(0.5)
    assert log(f"{base}/svn/uploaded") == log(source.as_uri())
    assert "a large file" in requests.get(f"{base}/uploaded/changeset/1").text
    assert list((running_site.dir.data_dir / "imports" / "uploads").iterdir()) == []
