"""An owner downloads the project's Trac data and uploads it into another project, with
user names mapped; nobody else can do either, and a hostile upload changes nothing."""
import html
import random

from devjavu import audit
from devjavu.tracenv.config import project_ini_path, update_project_ini
from tests.support.tracdata import (CUSTOM_FIELDS, everything, fill, regular, tar_of,
                                    trac_rows)


def _upload(webapp, project, archive: bytes, users="", replace=False, status=303):
    fields = {"csrf_token": webapp.csrf(f"/dashboard/{project}"), "users": users}
    if replace:
        fields["replace"] = "y"
    return webapp.post(f"/dashboard/{project}/trac-import", fields, status=status,
                       upload_files=[("archive", f"{project}.tar.gz", archive)])


def _flash(webapp, response) -> str:
    return html.unescape(response.follow().html.select_one(".flash").text)


def test_the_owner_moves_trac_data_from_one_project_to_another(webapp, web_site):
    webapp.sign_up("amy")
    webapp.create_project("demo")
    webapp.create_project("copy")
    update_project_ini(project_ini_path(web_site.settings, "demo"),
                       {(section, option): value for section, option, value in CUSTOM_FIELDS})
    fill(web_site.settings.trac_env_path("demo"))
    page = webapp.get("/dashboard/demo").text
    assert "/dashboard/demo/trac-export" in page and "/dashboard/demo/trac-import" in page
    download = webapp.get("/dashboard/demo/trac-export")
    assert download.content_type == "application/gzip"
    assert download.headers["Content-Disposition"] == \
        'attachment; filename="demo-trac.tar.gz"'
    assert "no-store" in download.headers["Cache-Control"]

    done = _flash(webapp, _upload(webapp, "copy", download.body, users="olga amy\n"))
    assert done.startswith("Imported into the Trac of copy: 2 tickets (9 changes), ")
    ticket = webapp.get("/copy/ticket/1").text
    assert "Crash on start" in ticket and "Fixed in r12." in ticket
    assert "Estimate" in ticket and "5d" in ticket             # a custom field, shown
    demo_rows = trac_rows(web_site.settings.trac_env_path("demo"))
    copy_rows = trac_rows(web_site.settings.trac_env_path("copy"))
    assert [(name, version, text) for name, version, _, _, text, *_ in copy_rows["wiki"]] \
        == [(name, version, text) for name, version, _, _, text, *_ in demo_rows["wiki"]]
    assert [row[8] for row in copy_rows["ticket"]] == ["amy", "pat"]      # reporters
    with web_site.reading() as db:
        event, = audit.recent(db, event_prefix=audit.PROJECT_TRAC_IMPORTED)
        assert (event.actor.username, event.subject, event.ip_address) == \
            ("amy", "copy", "192.0.2.10")

    again = _flash(webapp, _upload(webapp, "copy", download.body))
    assert "has data of its own (2 tickets, 4 attachments" in again
    assert "Nothing was changed" in again
    assert _flash(webapp, _upload(webapp, "copy", download.body, replace=True)) == done


def test_a_hostile_upload_is_refused_and_changes_nothing(webapp, web_site):
    webapp.sign_up("amy")
    webapp.create_project("demo")
    env_path = web_site.settings.trac_env_path("demo")
    before = everything(env_path)
    climbing = tar_of([regular("t/db/trac.db", b""),
                       regular("t/files/attachments/../../../../conf/trac.ini", b"[x]")])
    assert "not a plain relative path" in _flash(webapp, _upload(webapp, "demo", climbing))
    # Larger than any other form of the dashboard takes, and let through.
    noise = random.Random(1).randbytes(2 * 2**20)
    assert "not a whole tar archive" in _flash(webapp, _upload(webapp, "demo", noise))
    assert "Choose an archive" in _flash(webapp, webapp.post(
        "/dashboard/demo/trac-import", {"csrf_token": webapp.csrf("/dashboard/demo")},
        status=303))
    assert "names 'nobody'" in _flash(webapp, _upload(webapp, "demo", climbing,
                                                      users="olga nobody"))
    assert everything(env_path) == before
    assert not list((web_site.settings.data_dir / "imports").iterdir())


def test_members_outsiders_and_anonymous_can_neither_download_nor_upload(
        two_projects_and_their_people, web_site):
    amy, bob, eve, anonymous = two_projects_and_their_people
    before = everything(web_site.settings.trac_env_path("open"))
    archive = amy.get("/dashboard/open/trac-export").body
    for project in ("open", "hidden"):
        assert bob.get(f"/dashboard/{project}/trac-export", status=403)
        assert "trac-export" not in bob.get(f"/dashboard/{project}").text
        _upload(bob, project, archive, replace=True, status=403)
    assert eve.get("/dashboard/open/trac-export", status=403)
    assert eve.get("/dashboard/hidden/trac-export", status=404)    # as a missing project
    token = eve.csrf("/dashboard")
    for project, status in (("open", 403), ("hidden", 404)):
        eve.post(f"/dashboard/{project}/trac-import", {"csrf_token": token, "replace": "y"},
                 upload_files=[("archive", "a.tar.gz", archive)], status=status)
    for project in ("open", "hidden"):
        answer = anonymous.get(f"/dashboard/{project}/trac-export", status="*")
        assert answer.status_int in (303, 403, 404) and not answer.body.startswith(b"\x1f\x8b")
    assert everything(web_site.settings.trac_env_path("open")) == before
