"""Trac data out and in again, with real Trac environments: an export imported into a
new environment, or a tar of another environment's directory, gives the same tickets
(fields, custom fields, comments, history), wiki (every version), milestones,
components, versions, enums, reports and attachments (bytes); a refused import changes
nothing."""
import io
import shutil
import sqlite3

import pytest
from trac.attachment import Attachment
from trac.env import Environment
from trac.ticket.model import Ticket
from trac.wiki.model import WikiPage

from devjavu.tracenv.archive_export import archive_chunks
from devjavu.tracenv.archive_format import ArchiveError
from devjavu.tracenv.archive_import import import_archive
from tests.support.tracdata import (BINARY, attachment_files, environment_tar, everything,
                                    fill, new_environment, regular, trac_rows, with_member)


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    """An environment full of data, its export, and a pristine environment to copy."""
    root = tmp_path_factory.mktemp("trac")
    path = new_environment(root / "alpha", custom_fields=True)
    fill(path)
    return path, b"".join(archive_chunks(path, "alpha")), new_environment(root / "pristine")


@pytest.fixture
def target(source, tmp_path):
    """A new, empty environment (a copy of the pristine one) and a staging folder."""
    path = tmp_path / "beta"
    shutil.copytree(source[2], path)
    (tmp_path / "staging").mkdir()
    return path


def _import(target, archive: bytes, users=None, replace=False):
    staging = target.parent / "staging"
    shutil.rmtree(staging)
    staging.mkdir()
    return import_archive(target, io.BytesIO(archive), users or {}, replace, staging)


def test_an_export_imported_into_a_new_environment_is_the_same_data(source, target):
    path, archive, _ = source
    result = _import(target, archive)
    assert trac_rows(target) == trac_rows(path)
    assert attachment_files(target) == attachment_files(path)
    assert attachment_files(target)[("ticket", "1", "core dump.bin")] == BINARY
    assert result.summary().startswith("2 tickets (9 changes), 61 wiki pages (63 versions), ")
    env = Environment(str(target))
    try:
        crash = Ticket(env, 1)          # as Trac shows it, custom fields included
        assert (crash["summary"], crash["status"], crash["resolution"], crash["owner"],
                crash["estimate"], crash["platform"]) == (
            "Crash on start", "closed", "fixed", "olga", "5d", "linux")
        comments = [entry[4] for entry in crash.get_changelog()
                    if entry[2] == "comment" and entry[5]]      # not an attachment's
        assert comments == ["Taking it.", "Longer than thought.", "Fixed in r12."]
        assert [WikiPage(env, "Docs/Setup", version).text.splitlines()[-1]
                for version in (1, 2, 3)] == ["First.", "Second.", "Third, with ünïcode."]
        with Attachment(env, "milestone", "1.0", "plan.txt").open() as f:
            assert f.read() == b"plan"
    finally:
        env.shutdown()


def test_a_trac_environment_tar_imports_its_data_and_nothing_else(source, target):
    path, _, _ = source
    hostile_extras = [regular("alpha/plugins/evil.py", b"import os; os.system('id')"),
                      regular("alpha/templates/site_head.html", b"<script>x</script>")]
    _import(target, environment_tar(path, hostile_extras))
    assert trac_rows(target) == trac_rows(path)
    assert attachment_files(target) == attachment_files(path)
    assert not (target / "plugins" / "evil.py").exists()
    assert not (target / "templates" / "site_head.html").exists()
    ini = (target / "conf" / "trac.ini").read_text()
    assert "[ticket-custom]" in ini and "estimate = text" in ini
    assert "platform = text" in ini and "linux|mac" not in ini   # its trac.ini is unread


def test_an_older_trac_database_imports_with_its_default_reports_fixed(source, target,
                                                                         tmp_path):
    path, _, _ = source
    older = tmp_path / "older"
    shutil.copytree(path, older)
    with sqlite3.connect(older / "db" / "trac.db") as db:      # as Trac 1.2 left it
        db.execute("ALTER TABLE enum DROP COLUMN description")
        db.execute("UPDATE system SET value = '41' WHERE name = 'database_version'")
        db.execute("UPDATE report SET query = 'SELECT p.value AS __color__, "
                   "description AS _description FROM ticket t' WHERE id = 1")
    _import(target, environment_tar(older))
    rows = trac_rows(target)
    assert dict((r[0], r[3]) for r in rows["report"])[1] == \
        "SELECT p.value AS __color__, t.description AS _description FROM ticket t"
    assert {r[3] for r in rows["enum"]} == {None}


def test_user_names_are_mapped_and_others_kept(source, target):
    _, archive, _ = source
    _import(target, archive, users={"olga": "olga.k", "pat": "patricia"})
    rows = trac_rows(target)
    crash, wish = rows["ticket"]
    assert (crash[7], crash[8], crash[9]) == ("olga.k", "olga.k",
                                               "olga.k, vera@example.com, patricia")
    assert wish[8] == "patricia"
    changes = {(r[1], r[3]): r for r in rows["ticket_change"]}
    assert [r[2] for r in rows["ticket_change"]].count("vera") == 3     # unmapped: kept
    owner_change = next(r for r in rows["ticket_change"] if r[3] == "owner")
    assert (owner_change[4], owner_change[5]) == ("vera", "olga.k")
    cc_change = next(r for r in changes.values() if r[3] == "cc")
    assert cc_change[5] == "olga.k, vera@example.com, patricia"
    assert {r[3] for r in rows["wiki"] if r[0] == "Docs/Setup"} == {"olga.k", "vera",
                                                                     "patricia"}
    assert {r[6] for r in rows["attachment"]} == {"olga.k"}


def test_an_environment_with_data_of_its_own_is_replaced_only_when_asked(source, target):
    _, archive, _ = source
    _import(target, archive)
    before = everything(target)
    with pytest.raises(ArchiveError, match=r"data of its own \(2 tickets, 4 attachments"):
        _import(target, archive)
    assert everything(target) == before
    _import(target, archive, replace=True)
    assert everything(target) == before


@pytest.mark.parametrize("member,data,message", [
    ("tables/attachment.jsonl",
     b'{"type":"ticket","id":"1","filename":"../../../conf/trac.ini","size":4,'
     b'"time":1,"description":"","author":"x"}\n', "file name is not one Trac gives"),
    ("tables/wiki.jsonl", b'{"name":"../../etc","version":1,"time":1,"author":"x",'
     b'"text":"","comment":"","readonly":0}\n', "not a wiki page name"),
    ("tables/ticket_change.jsonl", b'{"ticket":99,"time":1,"author":"x","field":"comment",'
     b'"oldvalue":"","newvalue":"hi"}\n', "its ticket is not in the archive"),
    ("tables/ticket.jsonl", b'{"id":1,"id":2}\n', "a key is given twice"),
    ("tables/enum.jsonl", b'{"type":"priority","name":"x","value":"\\ud800",'
     b'"description":null}\n', "value is not valid text"),
    ("devjavu-trac.json", b'{"format":"devjavu-trac","version":1,"ticket_custom":'
     b'{"estimate":"text","estimate.label":"E\\n[components]\\nevil.* = enabled"}}',
     "line breaks"),
    ("devjavu-trac.json", b'{"format":"devjavu-trac","version":1,"ticket_custom":'
     b'{"estimate":"text","estimate.onchange":"x"}}', "not one of label"),
    ("devjavu-trac.json", b'{"format":"devjavu-trac","version":2}', "format version 2"),
])
def test_a_refused_archive_changes_nothing(source, target, member, data, message):
    """Each archive fails a check after the first rows passed theirs."""
    _, archive, _ = source
    _import(target, archive, users={"olga": "olga.k"})
    before = everything(target)
    with pytest.raises(ArchiveError, match=message):
        _import(target, with_member(archive, member, data), replace=True)
    assert everything(target) == before
    assert not list(target.parent.glob("staging/attachments/**/*.bin"))


def test_an_attachment_larger_than_the_projects_limit_is_refused(source, target):
    _, archive, _ = source
    env = Environment(str(target))
    env.config.set("attachment", "max_size", str(len(BINARY) - 1))
    env.config.save()
    env.shutdown()
    before = everything(target)
    with pytest.raises(ArchiveError, match="larger than this project's attachment limit"):
        _import(target, archive)
    assert everything(target) == before
