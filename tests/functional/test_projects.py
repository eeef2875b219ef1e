"""Creating projects from the dashboard, their page, settings, transfer and delete."""
import re

import pytest

from devjavu.authz import install
from devjavu.projects import service


def _project(web_site, name):
    with web_site.reading() as db:
        project = service.find_project(db, name)
        return None if project is None else (project.description, project.is_private,
                                             project.deleted_at is not None)


def test_create_project_shows_first_steps(webapp, web_site):
    webapp.sign_up("amy")
    response = webapp.create_project("demo", description="Demo <b>app</b>", visibility="private")
    assert response.status_int == 303
    page = response.follow()
    assert "svn checkout" in page.text and "/svn/demo" in page.text
    assert "First steps" in page.text
    assert "Demo &lt;b&gt;app&lt;/b&gt;" in page.text
    assert _project(web_site, "demo") == ("Demo <b>app</b>", True, False)
    assert web_site.settings.repository_path("demo").is_dir()
    listing = webapp.get("/dashboard")
    assert "demo" in listing.text and "owner" in listing.text and "private" in listing.text


@pytest.mark.parametrize("name,message", [
    ("svn", "reserved"), ("dashboard", "reserved"), ("x", "2 to 40"), ("Demo", "2 to 40"),
    ("a" * 41, "2 to 40"), ("", "Enter a project name"),
])
def test_bad_names_are_refused_and_nothing_is_made(webapp, web_site, name, message):
    webapp.sign_up("amy")
    page = webapp.create_project(name, description="kept")
    assert page.status_int == 400 and message in page.text
    assert "kept" in page.text
    assert not (web_site.settings.repos_dir / name).exists() or not name
    with web_site.reading() as db:
        assert service.list_projects(db) == []


def test_duplicate_and_bad_visibility(webapp):
    webapp.sign_up("amy")
    webapp.create_project("demo")
    assert "already exists" in webapp.create_project("demo").text
    assert webapp.create_project("other", visibility="secret").status_int == 400


def test_script_in_description_is_text_everywhere(webapp):
    webapp.sign_up("amy")
    webapp.create_project("demo", description="<script>alert(1)</script>")
    for url in ("/", "/dashboard", "/dashboard/demo"):
        text = webapp.get(url).text
        assert "<script>alert(1)</script>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in webapp.get("/dashboard/demo").text


def test_change_description_and_visibility(webapp, web_site):
    webapp.sign_up("amy")
    webapp.create_project("demo")
    webapp.submit("/dashboard/demo", {"description": "New words", "visibility": "private"})
    assert _project(web_site, "demo") == ("New words", True, False)
    text = install.authz_path(web_site.settings, "demo").read_text()
    assert "* = r" not in text
    trac_ini = (web_site.settings.trac_env_path("demo") / "conf" / "trac.ini").read_text()
    assert "descr = New words" in trac_ini


def test_private_project_page_is_a_404_to_outsiders(app_factory):
    amy, bob = app_factory(), app_factory()
    amy.sign_up("amy")
    bob.sign_up("bob")
    amy.create_project("hidden", visibility="private")
    amy.create_project("open")
    assert bob.get("/dashboard/hidden", status=404)
    assert bob.get("/dashboard/missing", status=404)
    bob.get("/dashboard/open", status=403)
    token = bob.csrf("/dashboard")
    assert bob.post("/dashboard/open", {"csrf_token": token, "description": "x",
                                        "visibility": "public"}, status=403)


def test_transfer_ownership(app_factory, web_site):
    amy, bob = app_factory(), app_factory()
    bob.sign_up("bob")
    amy.sign_up("amy")
    amy.create_project("demo")
    bad = amy.submit("/dashboard/demo/transfer", {"username": "ghost"},
                     form_page="/dashboard/demo")
    assert bad.status_int == 400 and "No user named" in bad.text
    amy.submit("/dashboard/demo/transfer", {"username": "bob"}, form_page="/dashboard/demo")
    with web_site.reading() as db:
        project = service.get_project(db, "demo")
        assert [u.username for u in service.owners_of(db, project)] == ["bob"]
    assert amy.get("/dashboard/demo").status_int == 200        # now a developer: view
    assert "Delete demo" not in amy.get("/dashboard/demo").text


def test_delete_needs_the_typed_name_and_goes_to_the_trash(webapp, web_site):
    webapp.sign_up("amy")
    webapp.create_project("demo")
    wrong = webapp.submit("/dashboard/demo/delete", {"confirm_name": "dem"},
                           form_page="/dashboard/demo")
    assert wrong.status_int == 400 and "exactly" in wrong.text
    assert _project(web_site, "demo")[2] is False
    webapp.submit("/dashboard/demo/delete", {"confirm_name": "demo"},
                   form_page="/dashboard/demo")
    assert _project(web_site, "demo")[2] is True
    assert not web_site.settings.repository_path("demo").exists()
    assert (web_site.settings.trash_dir / "demo" / "repository" / "format").exists()
    assert webapp.get("/dashboard/demo", status=404)
    assert webapp.get("/demo/", status=404)
    listed = webapp.get("/dashboard").text
    assert 'href="/dashboard/demo"' not in listed and "Restore demo" in listed
    with web_site.unit_of_work() as db:
        from devjavu.projects import trash
        trash.restore_project(db, web_site.settings, "demo")
    assert webapp.get("/dashboard/demo").status_int == 200
    assert "owner" in webapp.get("/dashboard").text


def test_project_list_shows_size_and_last_commit(webapp):
    webapp.sign_up("amy")
    webapp.create_project("demo")
    page = webapp.get("/dashboard")
    assert re.search(r"\d+(\.\d)? (KB|MB)", page.text)
    assert "none yet" in page.text
