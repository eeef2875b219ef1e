"""An owner downloads the project's whole history as a gzipped dump; nobody else can."""
import gzip
import subprocess

from tests.support.history import log


def test_the_owner_downloads_a_dump_that_loads_into_the_same_history(webapp, web_site,
                                                                      tmp_path):
    webapp.sign_up("amy")
    webapp.create_project("demo")
    url = web_site.settings.repository_path("demo").as_uri()
    for n in range(3):
        subprocess.run(["svnmucc", "-U", url, "-m", f"change {n}", "mkdir", f"d{n}"],
                       check=True, capture_output=True)
    assert "/dashboard/demo/dump" in webapp.get("/dashboard/demo").text
    response = webapp.get("/dashboard/demo/dump")
    assert response.content_type == "application/gzip"
    assert response.headers["Content-Disposition"] == 'attachment; filename="demo.dump.gz"'
    assert "no-store" in response.headers["Cache-Control"]
    target = tmp_path / "loaded"
    subprocess.run(["svnadmin", "create", str(target)], check=True)
    subprocess.run(["svnadmin", "load", "-q", str(target)],
                   input=gzip.decompress(response.body), check=True)
    assert log(target.as_uri()) == log(url)


def test_members_outsiders_and_anonymous_get_no_dump(two_projects_and_their_people):
    _, bob, eve, anonymous = two_projects_and_their_people
    for project in ("open", "hidden"):
        assert bob.get(f"/dashboard/{project}/dump", status=403)
        assert "/dump" not in bob.get(f"/dashboard/{project}").text
    assert eve.get("/dashboard/open/dump", status=403)
    assert eve.get("/dashboard/hidden/dump", status=404)       # as a missing project
    assert eve.get("/dashboard/missing/dump", status=404)
    for project in ("open", "hidden"):
        answer = anonymous.get(f"/dashboard/{project}/dump", status="*")
        assert answer.status_int in (303, 403, 404) and not answer.body.startswith(b"\x1f\x8b")
