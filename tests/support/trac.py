"""Driving a project's Trac over real HTTP: its forms, and seeing a commit in it (Trac
syncs when a page of the project is read, so the first page after a commit shows it;
the wait allows for a slow machine)."""
import time

import requests


def trac_shows_changeset(base_url: str, project: str, revision: int, auth=None,
                         timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while True:
        response = requests.get(f"{base_url}/{project}/changeset/{revision}", auth=auth)
        if response.status_code == 200:
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)


def trac_form_post(session: requests.Session, page_url: str, data: dict, files=None,
                   target_url: str | None = None) -> requests.Response:
    """Submit a form of the Trac page at `page_url` (to `target_url`, default the same
    page) with the form token Trac gave this session, as Trac's own pages do: the one
    for the page's project (a session holds one per project it visited)."""
    session.get(page_url)
    project = "/" + page_url.split("/", 4)[3]
    token = session.cookies.get("trac_form_token", path=project)
    assert token, f"Trac set no form token on {page_url}"
    return session.post(target_url or page_url, data={"__FORM_TOKEN": token, **data},
                        files=files, allow_redirects=False)
