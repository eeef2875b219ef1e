"""Trac data for export and import tests: an environment filled through Trac's own
models (tickets with custom fields and history, wiki versions, milestones, components,
versions, an enum, a report, attachments on tickets, pages and milestones); what an
environment holds, read back as rows and bytes; and tar archives built member by member,
hostile ones included."""
import io
import sqlite3
import tarfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

from trac.attachment import Attachment
from trac.env import Environment
from trac.ticket.model import Component, Milestone, Priority, Report, Ticket, Version
from trac.wiki.model import WikiPage

from devjavu.tracenv.archive_format import TABLES, attachment_path

CUSTOM_FIELDS = [("ticket-custom", "estimate", "text"),
                 ("ticket-custom", "estimate.label", "Estimate"),
                 ("ticket-custom", "platform", "select"),
                 ("ticket-custom", "platform.options", "linux|mac|windows")]
BINARY = bytes(range(256)) * 40
START = datetime(2021, 3, 1, 12, 0, tzinfo=timezone.utc)


def new_environment(path: Path, custom_fields: bool = False) -> Path:
    Environment(str(path), create=True,
                options=CUSTOM_FIELDS if custom_fields else []).shutdown()
    return path


def fill(path: Path) -> None:
    """Trac data of every kind an archive carries, in the environment at `path` (made
    with `custom_fields`)."""
    env = Environment(str(path))
    try:
        _fill(env)
    finally:
        env.shutdown()


def _fill(env) -> None:
    when = iter(START + timedelta(minutes=n) for n in range(1000))
    milestone = Milestone(env)
    milestone.name, milestone.description = "1.0", "The first release, ''at last''"
    milestone.due, milestone.completed = START + timedelta(days=30), START + timedelta(days=31)
    milestone.insert()
    component = Component(env)
    component.name, component.owner, component.description = "parser", "vera", "Reads it"
    component.insert()
    version = Version(env)
    version.name, version.time = "0.9", START
    version.insert()
    priority = Priority(env)
    priority.name = "urgent"
    priority.insert()
    report = Report(env)
    report.title, report.query, report.description = ("Open by owner", "SELECT id, owner "
                                                      "FROM ticket", "Whose?")
    report.insert()

    crash = Ticket(env)
    crash.populate({"summary": "Crash on start", "reporter": "olga", "owner": "vera",
                    "cc": "olga, vera@example.com", "milestone": "1.0",
                    "component": "parser", "priority": "urgent", "version": "0.9",
                    "description": "Ünïcode text,\r\nand a second line", "keywords": "crash",
                    "estimate": "3d", "platform": "linux"})
    crash.insert(when=next(when))
    crash["owner"], crash["status"] = "olga", "assigned"
    crash.save_changes("vera", "Taking it.", when=next(when))
    crash["cc"] = "olga, vera@example.com, pat"
    crash["estimate"] = "5d"
    crash.save_changes("pat", "Longer than thought.", when=next(when))
    crash["status"], crash["resolution"] = "closed", "fixed"
    crash.save_changes("olga", "Fixed in r12.", when=next(when))
    wish = Ticket(env)
    wish.populate({"summary": "Colours", "reporter": "pat", "type": "enhancement"})
    wish.insert(when=next(when))

    for text, author in (("= Setup =\nFirst.", "olga"), ("= Setup =\nSecond.", "vera"),
                         ("= Setup =\nThird, with ünïcode.", "pat")):
        page = WikiPage(env, "Docs/Setup")
        page.text = text
        page.save(author, f"by {author}", next(when))
    page = WikiPage(env, "Docs/Setup")
    page.readonly = 1
    page.save("olga", "lock it", next(when))

    for realm, parent, filename, data in (
            ("ticket", str(crash.id), "core dump.bin", BINARY),
            ("ticket", str(crash.id), "log.txt", b"line\n" * 50),
            ("wiki", "Docs/Setup", "diagram.svg", b"<svg/>"),
            ("milestone", "1.0", "plan.txt", b"plan")):
        attachment = Attachment(env, realm, parent)
        attachment.author, attachment.description = "olga", f"the {filename}"
        attachment.insert(filename, io.BytesIO(data), len(data), t=next(when))


def trac_rows(path: Path) -> dict[str, list[tuple]]:
    """Every row of the tables an archive carries, in key order."""
    with sqlite3.connect(f"{(path / 'db' / 'trac.db').as_uri()}?mode=ro", uri=True) as db:
        return {spec.name: db.execute(
            f"SELECT {', '.join(spec.columns)} FROM {spec.name} "
            f"ORDER BY {', '.join(spec.key)}").fetchall() for spec in TABLES}


def attachment_files(path: Path) -> dict[tuple[str, str, str], bytes]:
    rows = trac_rows(path)["attachment"]
    return {(realm, parent, filename): Path(attachment_path(
                str(path / "files" / "attachments"), realm, parent, filename)).read_bytes()
            for realm, parent, filename, *_ in rows}


def everything(path: Path) -> tuple:
    """What an import may change: the tables, the attachments' files (all of them, by
    path) and trac.ini."""
    attachments = path / "files" / "attachments"
    files = {str(p.relative_to(path)): p.read_bytes() for p in sorted(attachments.rglob("*"))
             if p.is_file()} if attachments.exists() else {}
    return trac_rows(path), files, (path / "conf" / "trac.ini").read_bytes()


def regular(name: str, data: bytes) -> tuple[tarfile.TarInfo, bytes]:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    return info, data


def special(name: str, kind: bytes, linkname: str = "") -> tuple[tarfile.TarInfo, None]:
    info = tarfile.TarInfo(name)
    info.type, info.linkname = kind, linkname
    return info, None


def tar_of(members, compression: str = "gz") -> bytes:
    """A tar (gzipped unless `compression` is "") of `members`: (TarInfo, data) pairs."""
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode=f"w:{compression}", format=tarfile.PAX_FORMAT) as tar:
        for info, data in members:
            tar.addfile(info, io.BytesIO(data) if data is not None else None)
    return out.getvalue()


def members_of(archive: bytes) -> list[tuple[tarfile.TarInfo, bytes | None]]:
    """The members of an archive we made (trusted), to alter and pack again."""
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        return [(info, tar.extractfile(info).read() if info.isreg() else None)
                for info in tar.getmembers()]


def with_member(archive: bytes, name: str, data: bytes) -> bytes:
    """`archive` with the member whose name ends in `name` holding `data` (added if no
    member is named so)."""
    members = members_of(archive)
    top = members[0][0].name.split("/")[0]
    kept = [(info, content) for info, content in members if info.name != f"{top}/{name}"]
    return tar_of([*kept, regular(f"{top}/{name}", data)])


def environment_tar(path: Path, extra=()) -> bytes:
    """A tar.gz of the whole environment directory at `path`, below its name, as an
    operator would make one (`tar czf`), with `extra` members added."""
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:gz") as tar:
        tar.add(path, arcname=path.name)
        for info, data in extra:
            tar.addfile(info, io.BytesIO(data) if data is not None else None)
    return out.getvalue()
