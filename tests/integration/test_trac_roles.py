"""DESIGN.md's roles table in every corner of Trac a user reaches, through the real
Apache, dispatcher and Trac: each role opens every form and page, attaches files to a
ticket, a wiki page and a milestone, and downloads them. The exhaustive action-by-action
table is checked in-process (tests/unit/tracplugin/test_perm.py); here are the pages."""
import csv
import io
import re
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.integration.conftest import PASSWORDS
from tests.support.trac import trac_form_post
from tests.support.web import post_form, signed_in

PUBLIC, PRIVATE = "roles-pub", "roles-priv"
# Who acts with which role: o owner, d developer, v viewer, a anyone else (anonymous,
# or signed in without being a member); site admins (sam) act as owners.
ROLE_OF = {"alice": "o", "sam": "o", "bob": "d", "vic": "v", "nora": "a", None: "a"}
WHO = list(ROLE_OF)

# (page, the roles that may open it, what the others get): one row per Trac action
# a user can reach from the UI. Trac answers 404 for the admin area to a user who has
# no admin panel at all.
PAGES = [
    ("wiki/WikiStart", "odva", 403),                          # WIKI_VIEW
    ("ticket/1", "odva", 403),                                 # TICKET_VIEW
    ("query", "odva", 403),
    ("report", "odva", 403),                                   # REPORT_VIEW
    ("report/1", "odva", 403),
    ("roadmap", "odva", 403),                                  # ROADMAP_VIEW
    ("milestone/milestone1", "odva", 403),                     # MILESTONE_VIEW
    ("timeline", "odva", 403),                                 # TIMELINE_VIEW
    ("search?q=ticket", "odva", 403),                          # SEARCH_VIEW
    ("browser", "odva", 403),                                  # BROWSER_VIEW
    ("log/", "odva", 403),                                     # LOG_VIEW
    ("changeset/1", "odva", 403),                              # CHANGESET_VIEW
    ("newticket", "odv", 403),                                 # TICKET_CREATE
    ("attachment/ticket/1/?action=new", "odv", 403),           # ATTACHMENT_CREATE
    ("wiki/WikiStart?action=edit", "od", 403),                 # WIKI_MODIFY
    ("wiki/ANewPage?action=edit", "od", 403),                  # WIKI_CREATE
    ("attachment/wiki/WikiStart/?action=new", "od", 403),
    ("milestone?action=new", "od", 403),                       # MILESTONE_CREATE
    ("milestone/milestone1?action=edit", "od", 403),           # MILESTONE_MODIFY
    ("attachment/milestone/milestone1/?action=new", "od", 403),
    ("report?action=new", "od", 403),                          # REPORT_CREATE
    ("report/1?action=edit", "od", 403),                       # REPORT_MODIFY
    ("wiki/WikiStart?action=delete", "o", 403),                # WIKI_DELETE
    ("wiki/WikiStart?action=rename", "o", 403),                # WIKI_RENAME
    ("milestone/milestone1?action=delete", "o", 403),          # MILESTONE_DELETE
    ("report/1?action=delete", "o", 403),                      # REPORT_DELETE
    ("admin/ticket/components", "o", 404),                     # TICKET_ADMIN
    ("admin/ticket/milestones", "o", 404),                     # MILESTONE_ADMIN
    ("admin/ticket/priority", "o", 404),
    ("admin/ticket/versions", "o", 404),
]
# (where, file name, who attaches it): each as a role that may.
ATTACHMENTS = [("ticket/1", "by-viewer.txt", "vic"),
               ("wiki/WikiStart", "by-developer.txt", "bob"),
               ("milestone/milestone1", "by-owner.txt", "alice")]


def _as(running_site, who: str | None) -> requests.Session:
    """A session signed in on the dashboard (the Trac login), or an anonymous one."""
    return requests.Session() if who is None else \
        signed_in(running_site.http_url, who, PASSWORDS[who])


@pytest.fixture(scope="module")
def sessions(running_site):
    return {who: _as(running_site, who) for who in WHO}


def _attach(session: requests.Session, base: str, where: str, filename: str):
    """Upload a file to `where` ("ticket/1") with the form token from its page, which
    whoever may view it gets, so that a refusal is Trac's and not the token's."""
    realm, _, parent = where.partition("/")
    return trac_form_post(
        session, f"{base}/{where}",
        {"action": "new", "realm": realm, "id": parent, "description": ""},
        files={"attachment": (filename, f"{filename} holds this.\n".encode(),
                              "text/plain")},
        target_url=f"{base}/attachment/{where}/")


def _add_member(running_site, owner: requests.Session, project: str, username: str, role: str):
    added = post_form(owner, running_site.http_url, f"/dashboard/{project}",
                      f"/dashboard/{project}/members", username=username, role=role)
    assert added.status_code == 200 and f"{username} added as {role}" in added.text


def _remove_member(running_site, owner: requests.Session, project: str, username: str):
    removed = post_form(owner, running_site.http_url, f"/dashboard/{project}",
                        f"/dashboard/{project}/members/{username}", action="remove")
    assert removed.status_code == 200 and f"{username} removed." in removed.text


@pytest.fixture(scope="module")
def projects(running_site, svn, sessions):
    """A public and a private project with the same members, a commit, a ticket and an
    attachment on a ticket, a wiki page and a milestone, each made through Trac's forms
    by a role that may."""
    for name, extra in ((PUBLIC, []), (PRIVATE, ["--private"])):
        running_site.admin("project", "add", name, "--owner", "alice", *extra)
        _add_member(running_site, sessions["alice"], name, "bob", "developer")
        _add_member(running_site, sessions["alice"], name, "vic", "viewer")
        auth = {"user": "bob", "password": PASSWORDS["bob"]}
        wc = svn.checkout(name, **auth)
        svn.add_file(wc, "README", "Read me.\n")
        svn.commit(wc, "A first file", **auth)
        base = f"{running_site.http_url}/{name}"
        created = trac_form_post(sessions["vic"], f"{base}/newticket", {
            "field_summary": "A ticket", "field_type": "defect", "submit": "Create ticket"})
        assert created.status_code == 303, created.text[:500]
        assert created.headers["Location"].endswith("/ticket/1")
        for where, filename, who in ATTACHMENTS:
            attached = _attach(sessions[who], base, where, filename)
            assert attached.status_code == 303, (who, where, attached.text[:500])
    return PUBLIC, PRIVATE


def _statuses(sessions, who, urls):
    session = sessions[who]
    with ThreadPoolExecutor(4) as pool:
        return list(pool.map(lambda url: session.get(url, allow_redirects=False)
                             .status_code, urls))


@pytest.mark.parametrize("who", WHO)
def test_every_page_and_form_on_a_public_project(running_site, projects, sessions, who):
    urls = [f"{running_site.http_url}/{PUBLIC}/{page}" for page, _, _ in PAGES]
    expected = [200 if ROLE_OF[who] in holders else refusal
                for _, holders, refusal in PAGES]
    assert dict(zip(urls, _statuses(sessions, who, urls))) == dict(zip(urls, expected))


@pytest.mark.parametrize("who", WHO)
def test_every_page_and_form_on_a_private_project(running_site, projects, sessions, who):
    urls = [f"{running_site.http_url}/{PRIVATE}/{page}" for page, _, _ in PAGES]
    # Anyone else finds no project at all, on every page.
    expected = [404 if ROLE_OF[who] == "a" else
                200 if ROLE_OF[who] in holders else refusal
                for _, holders, refusal in PAGES]
    assert dict(zip(urls, _statuses(sessions, who, urls))) == dict(zip(urls, expected))


def _downloads(where: str, filename: str) -> list[str]:
    return [f"raw-attachment/{where}/{filename}",
            f"attachment/{where}/{filename}?format=raw",
            f"attachment/{where}/{filename}"]


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("project", [PUBLIC, PRIVATE])
def test_whoever_may_view_downloads_the_attachments(running_site, projects, sessions, who,
                                                    project):
    visible = project == PUBLIC or ROLE_OF[who] != "a"
    session = sessions[who]
    for where, filename, _ in ATTACHMENTS:
        for path in _downloads(where, filename):
            response = session.get(f"{running_site.http_url}/{project}/{path}")
            assert response.status_code == (200 if visible else 404), (path, who)
            if visible:
                assert f"{filename} holds this." in response.text or \
                    filename in response.text, path
        listing = session.get(f"{running_site.http_url}/{project}/{where}")
        assert (filename in listing.text) == visible, (where, who)


@pytest.mark.parametrize("who", WHO)
def test_whoever_may_change_attaches(running_site, projects, sessions, who):
    """Tickets take files from whoever may comment; wiki pages and milestones from
    whoever may edit them. A refused upload leaves nothing behind."""
    base = f"{running_site.http_url}/{PUBLIC}"
    for where, may in (("ticket/1", "odv"), ("wiki/WikiStart", "od"),
                       ("milestone/milestone1", "od")):
        filename = f"{where.partition('/')[0]}-{who or 'anonymous'}.txt"
        attached = _attach(sessions[who], base, where, filename)
        assert attached.status_code == (303 if ROLE_OF[who] in may else 403), (where, who)
        listed = requests.get(f"{base}/{where}").text
        assert (filename in listed) == (ROLE_OF[who] in may), (where, who)


def test_a_former_member_cannot_delete_what_they_attached(running_site, projects, sessions):
    base = f"{running_site.http_url}/{PUBLIC}"
    session = sessions["vic"]
    assert _attach(session, base, "ticket/1", "kept.txt").status_code == 303
    _remove_member(running_site, sessions["alice"], PUBLIC, "vic")
    try:
        delete = trac_form_post(session, f"{base}/attachment/ticket/1/kept.txt",
                                {"action": "delete"})
        assert delete.status_code == 403
        assert requests.get(f"{base}/raw-attachment/ticket/1/kept.txt").status_code == 200
    finally:
        _add_member(running_site, sessions["alice"], PUBLIC, "vic", "viewer")
    # As a viewer again, who may comment on the ticket, vic may take it back.
    deleted = trac_form_post(session, f"{base}/attachment/ticket/1/kept.txt",
                             {"action": "delete"})
    assert deleted.status_code == 303
    assert requests.get(f"{base}/raw-attachment/ticket/1/kept.txt").status_code == 404


def _feed_descriptions(running_site, project: str, requests_count: int) -> set[str]:
    """The project description in Trac's ticket feed, over several requests at once so
    that each of the daemon's processes answers some of them."""
    url = f"{running_site.http_url}/{project}/query?format=rss"

    def description(_):
        text = requests.get(url).text
        return text.split("<description>", 1)[1].split("</description>", 1)[0]
    with ThreadPoolExecutor(4) as pool:
        return set(pool.map(description, range(requests_count)))


def test_a_saved_description_shows_on_the_next_page_in_every_process(running_site, projects,
                                                                    sessions):
    assert _feed_descriptions(running_site, PUBLIC, 12) == {""}      # open in every process
    for text in ("Tools for the road", "Tools for the sea"):
        saved = post_form(sessions["alice"], running_site.http_url, f"/dashboard/{PUBLIC}",
                          f"/dashboard/{PUBLIC}", description=text, visibility="public")
        assert saved.status_code == 200, saved.text[:500]
        assert _feed_descriptions(running_site, PUBLIC, 12) == {text}


def _change_ticket(session: requests.Session, base: str, ticket: int, **fields: str):
    """Post Trac's ticket form as its page gives it to this session, with `fields`."""
    page = session.get(f"{base}/ticket/{ticket}")
    hidden = dict(re.findall(r'name="(view_time|start_time)"\s+value="(\d+)"', page.text))
    return trac_form_post(session, f"{base}/ticket/{ticket}",
                          {**hidden, "action": "leave", "submit": "Submit changes",
                           **fields})


def _ticket_fields(base: str, ticket: int) -> dict[str, str]:
    rows = list(csv.DictReader(io.StringIO(
        requests.get(f"{base}/ticket/{ticket}?format=csv").content.decode("utf-8-sig"))))
    return rows[0]


@pytest.mark.parametrize("who", WHO)
def test_ticket_changes_follow_roles(running_site, projects, sessions, who):
    """Developers and owners change fields (the milestone included); viewers comment;
    anyone else does neither."""
    base = f"{running_site.http_url}/{PUBLIC}"
    created = trac_form_post(sessions["alice"], f"{base}/newticket", {
        "field_summary": f"For {who}", "field_type": "defect", "submit": "Create ticket"})
    ticket = int(created.headers["Location"].rsplit("/", 1)[1])
    session, role = sessions[who], ROLE_OF[who]
    commented = _change_ticket(session, base, ticket, comment=f"A word from {who}")
    assert commented.status_code == (303 if role in "odv" else 200), who
    _change_ticket(session, base, ticket, field_milestone="milestone3",
                   field_summary=f"Renamed by {who}")
    fields = _ticket_fields(base, ticket)
    changed = role in "od"
    assert (fields["milestone"], fields["summary"]) == \
        (("milestone3", f"Renamed by {who}") if changed else ("", f"For {who}")), who
    page = session.get(f"{base}/ticket/{ticket}").text
    assert (f"A word from {who}" in page) == (role in "odv"), who
    # The form offers the milestone to those who may move the ticket.
    assert ('name="field_milestone"' in page) == changed, who


@pytest.mark.parametrize("who", WHO)
def test_wiki_edits_follow_roles(running_site, projects, sessions, who):
    base = f"{running_site.http_url}/{PUBLIC}"
    page = f"PageBy{(who or 'anonymous').capitalize()}"
    saved = trac_form_post(sessions[who], f"{base}/wiki/WikiStart",
                           {"action": "edit", "version": "0", "save": "Submit",
                            "text": f"Written by {who}."},
                           target_url=f"{base}/wiki/{page}")
    may = ROLE_OF[who] in "od"
    assert saved.status_code == (303 if may else 403), who
    assert (requests.get(f"{base}/wiki/{page}").status_code == 200) == may, who
