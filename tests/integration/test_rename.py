"""A renamed project, on the running site: new URLs work at once, old ones are gone,
and commits to the new URL reach Trac."""
import requests

from tests.integration.conftest import PASSWORDS
from tests.support.trac import trac_shows_changeset


def test_a_renamed_project_answers_at_its_new_urls(site, svn):
    alice = {"user": "alice", "password": PASSWORDS["alice"]}
    site.admin("project", "add", "oldname", "--owner", "alice", "--private")
    site.admin("member", "add", "oldname", "bob", "--role", "viewer")
    assert svn.run("mkdir", "-m", "before", svn.url("oldname", "trunk"), **alice
                   ).returncode == 0
    assert requests.get(f"{site.http_url}/oldname/", auth=("alice", PASSWORDS["alice"])
                        ).status_code == 200
    site.admin("project", "rename", "oldname", "newname")

    assert requests.get(f"{site.http_url}/oldname/", auth=("alice", PASSWORDS["alice"])
                        ).status_code == 404
    assert svn.run("info", svn.url("oldname"), **alice, check=False).returncode != 0
    browser = requests.get(f"{site.http_url}/newname/browser/trunk",
                           auth=("alice", PASSWORDS["alice"]))
    assert browser.status_code == 200 and "newname" in browser.text
    # Access moved with it: the viewer reads, an outsider gets nothing.
    assert svn.run("ls", svn.url("newname"), user="bob", password=PASSWORDS["bob"]
                   ).returncode == 0
    assert svn.run("ls", svn.url("newname"), user="nora", password=PASSWORDS["nora"],
                   check=False).returncode != 0
    assert svn.run("mkdir", "-m", "after", svn.url("newname", "branches"), **alice
                   ).returncode == 0
    assert trac_shows_changeset(site.http_url, "newname", 2,
                                auth=("alice", PASSWORDS["alice"]))
