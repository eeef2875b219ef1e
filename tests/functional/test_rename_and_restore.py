"""Owners rename their project and bring a deleted one back from the trash on the
dashboard, as operators do with the CLI; nobody else can, and bad input changes nothing."""
import subprocess

from devjavu import audit
from devjavu.accounts import users
from devjavu.models import Role
from devjavu.projects import service
from devjavu.projects.renamed_names import current_name


def _rename(webapp, project, new_name, status="*"):
    return webapp.submit(f"/dashboard/{project}/rename", {"new_name": new_name},
                         status=status, form_page=f"/dashboard/{project}")


def _add(web_site, project, username, role):
    with web_site.unit_of_work() as db:
        service.add_member(db, service.get_project(db, project),
                           users.get_user(db, username), role)


def test_an_owner_renames_and_members_see_the_relocate_command(app_factory, web_site):
    amy, bob = app_factory(), app_factory()
    amy.sign_up("amy")
    bob.sign_up("bob")
    amy.create_project("before")
    _add(web_site, "before", "bob", Role.DEVELOPER)
    url = web_site.settings.repository_path("before").as_uri()
    subprocess.run(["svnmucc", "-U", url, "-m", "kept", "mkdir", "trunk"], check=True,
                   capture_output=True)
    answer = _rename(amy, "before", "after")
    assert answer.status_int == 303 and answer.location.endswith("/dashboard/after")
    relocate = f"svn relocate {web_site.settings.public_url}/svn/after"
    assert relocate in amy.get("/dashboard/after").text
    page = bob.get("/dashboard/after").text
    assert relocate in page and "Renamed from before" in page
    assert 'action="/dashboard/after/rename"' not in page       # developers cannot
    assert subprocess.run(["svn", "ls", web_site.settings.repository_path("after").as_uri()],
                          capture_output=True, text=True).stdout == "trunk/\n"
    with web_site.reading() as db:
        assert current_name(db, "before") == "after"
        [event] = audit.recent(db, event_prefix=audit.PROJECT_RENAMED, subject="after")
        assert event.detail == "from before" and event.actor.username == "amy"


def test_renames_that_must_not_happen_change_nothing(app_factory, web_site):
    amy, bob, eve = app_factory(), app_factory(), app_factory()
    for browser, name in ((amy, "amy"), (bob, "bob"), (eve, "eve")):
        browser.sign_up(name)
    amy.create_project("mine")
    amy.create_project("taken")
    amy.create_project("secret", visibility="private")
    _add(web_site, "mine", "bob", Role.DEVELOPER)
    for bad, message in (("Bad Name", "starting with a letter"), ("taken", "taken"),
                         ("mine", "already called"), ("", "Enter a project name"),
                         ("x\r\n[x]", "starting with a letter"), ("dashboard", "reserved")):
        answer = _rename(amy, "mine", bad)
        assert answer.status_int == 400 and message in answer.text, (bad, answer.text[-2000:])
    assert _rename(bob, "mine", "bobs").status_int == 403
    assert _rename(eve, "mine", "eves").status_int == 403
    assert _rename(eve, "secret", "eves").status_int == 404
    with web_site.reading() as db:
        names = {project.name for project in service.list_projects(db)}
        assert names == {"mine", "taken", "secret"}
        assert audit.recent(db, event_prefix=audit.PROJECT_RENAMED) == []
    assert web_site.settings.repository_path("mine").is_dir()


def test_an_owner_restores_a_deleted_project_with_its_members(app_factory, web_site):
    amy, bob = app_factory(), app_factory()
    amy.sign_up("amy")
    bob.sign_up("bob")
    amy.create_project("gone")
    _add(web_site, "gone", "bob", Role.OWNER)
    deleted = amy.submit("/dashboard/gone/delete", {"confirm_name": "gone"},
                         form_page="/dashboard/gone")
    assert deleted.status_int == 303
    assert amy.get("/dashboard/gone", status=404)
    trash = amy.get("/dashboard").text
    assert 'action="/dashboard/gone/restore"' in trash and "Deleted projects" in trash
    restored = bob.submit("/dashboard/gone/restore", {}, form_page="/dashboard")
    assert restored.status_int == 303 and restored.location.endswith("/dashboard/gone")
    page = amy.get("/dashboard/gone").text
    assert "amy" in page and "bob" in page
    assert "Deleted projects" not in amy.get("/dashboard").text
    assert web_site.settings.repository_path("gone").is_dir()
    with web_site.reading() as db:
        [event] = audit.recent(db, event_prefix=audit.PROJECT_RESTORED, subject="gone")
        assert event.actor.username == "bob"


def test_only_owners_and_admins_may_restore(app_factory, admin_webapp, web_site):
    amy, bob, eve = app_factory(), app_factory(), app_factory()
    for browser, name in ((amy, "amy"), (bob, "bob"), (eve, "eve")):
        browser.sign_up(name)
    amy.create_project("gone")
    _add(web_site, "gone", "bob", Role.DEVELOPER)
    amy.submit("/dashboard/gone/delete", {"confirm_name": "gone"}, form_page="/dashboard/gone")
    for outsider in (bob, eve):
        assert "/dashboard/gone/restore" not in outsider.get("/dashboard").text
        token = outsider.csrf("/dashboard")
        assert outsider.post("/dashboard/gone/restore", {"csrf_token": token},
                             status=404)
    # Not a live project's page, nor a project that is not in the trash.
    assert amy.post("/dashboard/missing/restore", {"csrf_token": amy.csrf("/dashboard")},
                    status=404)
    with web_site.reading() as db:
        assert service.find_project(db, "gone").deleted_at is not None
    restored = admin_webapp.submit("/dashboard/gone/restore", {}, form_page="/dashboard")
    assert restored.status_int == 303
    assert amy.post("/dashboard/gone/restore", {"csrf_token": amy.csrf("/dashboard")},
                    status=404)
