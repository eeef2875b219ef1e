"""A dump uploaded on the dashboard, with a new project or into an empty one, is loaded
by the job runner: all of it or nothing, the project read-only meanwhile; refusals
store nothing."""
import gzip
import subprocess

from devjavu import audit
from devjavu.accounts import users
from devjavu.models import Job, JobState, Role
from devjavu.projects import dumpupload, service
from devjavu.svn.fsfs import youngest_on_disk
from tests.support.history import log, synthetic_dump
from tests.support.jobs import run_queued_jobs


def _new_from_dump(webapp, name, dump: bytes, status="*", **fields):
    token = webapp.csrf("/dashboard/new")
    return webapp.post("/dashboard/new/dump",
                       [("csrf_token", token), ("name", name), ("description", ""),
                        ("visibility", "public"), *fields.items()],
                       upload_files=[("dump", "history.dump.gz", dump)], status=status)


def _upload_into(webapp, name, dump: bytes):
    token = webapp.csrf(f"/dashboard/{name}")
    return webapp.post(f"/dashboard/{name}/import/dump", [("csrf_token", token)],
                       upload_files=[("dump", "history.dump", dump)], status="*")


def _uploads(site) -> list[str]:
    directory = dumpupload.uploads_dir(site.settings)
    return sorted(p.name for p in directory.iterdir()) if directory.exists() else []


def test_a_new_project_from_a_dump_is_read_only_until_loaded(webapp, web_site, tmp_path):
    webapp.sign_up("amy")
    dump = synthetic_dump(30)
    answer = _new_from_dump(webapp, "loaded", gzip.compress(dump))
    assert answer.status_int == 303 and answer.location.endswith("/dashboard/loaded")
    page = webapp.get("/dashboard/loaded")
    assert "Loading" in page.text and page.headers["Refresh"]
    with web_site.reading() as db:
        project = service.get_project(db, "loaded")
        assert [job.state for job in db.query(Job)] == [JobState.QUEUED]
        assert "read-only" in page.text
    assert len(_uploads(web_site)) == 1
    assert run_queued_jobs(web_site) == [JobState.DONE]
    assert _uploads(web_site) == []
    expected = tmp_path / "expected"
    subprocess.run(["svnadmin", "create", str(expected)], check=True)
    subprocess.run(["svnadmin", "load", "-q", str(expected)], input=dump, check=True)
    url = web_site.settings.repository_path("loaded").as_uri()
    assert log(url) == log(expected.as_uri())
    assert 'id="import"' not in webapp.get("/dashboard/loaded").text
    assert "synthetic 30" in webapp.get("/loaded/changeset/30").text
    with web_site.reading() as db:
        project = service.get_project(db, "loaded")
        events = [e.event for e in audit.recent(db, subject="loaded")]
        assert events[:2] == [audit.PROJECT_IMPORTED, audit.PROJECT_IMPORT_STARTED]
        assert project.memberships[0].user.username == "amy"


def test_a_damaged_dump_leaves_the_project_empty_and_another_can_follow(webapp, web_site):
    webapp.sign_up("amy")
    webapp.submit("/dashboard/new", {"name": "target", "description": "",
                                     "visibility": "public"})
    whole = synthetic_dump(20)
    assert _upload_into(webapp, "target", whole[:len(whole) // 2]).status_int == 303
    assert run_queued_jobs(web_site) == [JobState.FAILED]
    repository = web_site.settings.repository_path("target")
    assert youngest_on_disk(repository) == 0 and _uploads(web_site) == []
    page = webapp.get("/dashboard/target").text
    assert "The dump was not loaded" in page and "still empty" in page
    assert 'id="dump-upload"' in page
    # Another upload replaces the failed import and loads.
    assert _upload_into(webapp, "target", whole).status_int == 303
    assert run_queued_jobs(web_site) == [JobState.DONE]
    assert youngest_on_disk(repository) == 20
    with web_site.reading() as db:
        states = sorted(str(job.state) for job in db.query(Job))
        assert states == ["cancelled", "done"]
    # Now that it has history, no dump goes in any more.
    page = webapp.get("/dashboard/target").text
    assert 'id="dump-upload"' not in page
    refused = _upload_into(webapp, "target", whole).follow()
    assert "already has history" in refused.text
    assert _uploads(web_site) == []


def test_refused_uploads_store_nothing(app_factory, web_site):
    amy, bob = app_factory(), app_factory()
    amy.sign_up("amy")
    bob.sign_up("bob")
    amy.submit("/dashboard/new", {"name": "taken", "description": "",
                                  "visibility": "public"})
    with web_site.unit_of_work() as db:
        service.add_member(db, service.get_project(db, "taken"),
                           users.get_user(db, "bob"), Role.DEVELOPER)
    dump = synthetic_dump(3)
    # No CSRF token: refused before the file is stored.
    answer = amy.post("/dashboard/new/dump", [("name", "fresh"), ("visibility", "public")],
                      upload_files=[("dump", "d.dump", dump)], status=400)
    assert "expired" in answer.text
    # A taken name, a bad name: the form says so.
    assert "already exists" in _new_from_dump(amy, "taken", dump, status=400).text
    assert "starting with a letter" in _new_from_dump(amy, "Bad", dump, status=400).text
    # Developers cannot load a dump into a project; outsiders do not see it.
    assert _upload_into(bob, "taken", dump).status_int == 403
    with web_site.reading() as db:
        assert [p.name for p in service.list_projects(db)] == ["taken"]
        assert db.query(Job).count() == 0
    assert _uploads(web_site) == []
    assert youngest_on_disk(web_site.settings.repository_path("taken")) == 0


def test_abandoned_uploads_go_at_the_next_start(web_site):
    directory = dumpupload.uploads_dir(web_site.settings)
    directory.mkdir(parents=True)
    (directory / "upload.0123.partial").write_bytes(b"half")
    (directory / f"{'a' * 32}.dump").write_bytes(b"no job")
    with web_site.reading() as db:
        removed = dumpupload.remove_unclaimed_uploads(db, web_site.settings)
    assert sorted(removed) == [f"{'a' * 32}.dump", "upload.0123.partial"]
    assert _uploads(web_site) == []
