"""The dashboard through real HTTP, as a browser without JavaScript uses it."""
import re

import requests


def csrf_token(session: requests.Session, url: str) -> str:
    """The form token of the page at `url`."""
    return re.search(r'name="csrf_token" value="([^"]+)"', session.get(url).text).group(1)


def signed_in(base_url: str, username: str, password: str) -> requests.Session:
    session = requests.Session()
    login = session.post(f"{base_url}/login", data={
        "csrf_token": csrf_token(session, f"{base_url}/login"), "username": username,
        "password": password}, allow_redirects=False)
    assert login.status_code == 303, f"{username} could not sign in: {login.status_code}"
    return session


def post_form(session: requests.Session, base_url: str, form_page: str, target: str,
              **fields: str) -> requests.Response:
    """Submit a form shown on `form_page` to `target`, with that page's token."""
    token = csrf_token(session, f"{base_url}{form_page}")
    return session.post(f"{base_url}{target}", data={"csrf_token": token, **fields})
