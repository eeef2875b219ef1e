"""Waiting for Trac to learn of a commit: the post-commit hook tells it in the
background, so a new changeset shows a moment after the commit returns."""
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
