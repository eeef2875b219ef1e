"""A personal access token, made in the dashboard, works as the svn password and stops
working the moment it is revoked or expires, over svn and Trac's Basic auth alike."""
import re
from datetime import timedelta

import requests
from sqlalchemy import select

from devjavu.clock import utcnow
from devjavu.models import AccessToken
from tests.integration.conftest import PASSWORDS
from tests.support.populate import as_run_user
from tests.support.web import post_form, signed_in


def test_token_is_an_svn_password_until_revoked(running_site, svn):
    web = signed_in(running_site.http_url, "bob", PASSWORDS["bob"])
    page = post_form(web, running_site.http_url, "/account/tokens", "/account/tokens",
                     name="svn laptop", password=PASSWORDS["bob"])
    token = re.search(r'id="new-token">(djv_[^<]+)<', page.text).group(1)

    assert svn.run("ls", svn.url("priv"), user="bob", password=token).returncode == 0
    made = svn.run("mkdir", "-m", "by token", svn.url("priv", "token-dir"), user="bob",
                   password=token)
    assert made.returncode == 0
    assert svn.run("ls", svn.url("priv"), user="vic", password=token,
                   check=False).returncode != 0              # bob's token, not vic's

    listing = web.get(f"{running_site.http_url}/account/tokens").text
    token_id = re.search(r"/account/tokens/(\d+)/revoke", listing).group(1)
    assert re.search(r"<td>\d{4}-\d\d-\d\d \d\d:\d\d</td>\s*<td>\s*<form", listing)
    post_form(web, running_site.http_url, "/account/tokens", f"/account/tokens/{token_id}/revoke")
    refused = svn.run("ls", svn.url("priv"), user="bob", password=token, check=False)
    assert refused.returncode != 0
    assert svn.run("ls", svn.url("priv"), user="bob", password=PASSWORDS["bob"]
                   ).returncode == 0


def _expire(running_site, lookup_id: str) -> None:
    """As if the token's 30 days had passed."""
    def expire(running):
        with running.unit_of_work() as db:
            token = db.scalar(select(AccessToken).where(AccessToken.lookup_id == lookup_id))
            token.expires_at = utcnow() - timedelta(seconds=1)
    as_run_user(running_site.dir.ini_path, expire)


def test_an_expired_token_is_refused_by_svn_and_trac(running_site, svn):
    web = signed_in(running_site.http_url, "vic", PASSWORDS["vic"])
    page = post_form(web, running_site.http_url, "/account/tokens", "/account/tokens",
                     name="for a month", expires="30", password=PASSWORDS["vic"])
    token = re.search(r'id="new-token">(djv_[^<]+)<', page.text).group(1)
    trac = f"{running_site.http_url}/priv/wiki/WikiStart"
    assert svn.run("ls", svn.url("priv"), user="vic", password=token).returncode == 0
    assert requests.get(trac, auth=("vic", token)).status_code == 200

    _expire(running_site, token.split("_")[1])
    refused = svn.run("ls", svn.url("priv"), user="vic", password=token, check=False)
    assert refused.returncode != 0
    assert requests.get(trac, auth=("vic", token)).status_code == 401
    listing = web.get(f"{running_site.http_url}/account/tokens").text
    assert re.search(r'class="expired">expired \d{4}-', listing)
    assert svn.run("ls", svn.url("priv"), user="vic", password=PASSWORDS["vic"]
                   ).returncode == 0


def test_a_token_stops_working_when_the_password_change_revokes_it(running_site):
    """The box on the password form, ticked by default, as a browser sends it. (Over
    svn a token is checked by the same `token_for` as here: see the revoke test above.)"""
    web = signed_in(running_site.http_url, "nora", PASSWORDS["nora"])
    page = post_form(web, running_site.http_url, "/account/tokens", "/account/tokens",
                     name="laptop", expires="never", password=PASSWORDS["nora"])
    token = re.search(r'id="new-token">(djv_[^<]+)<', page.text).group(1)
    pub = f"{running_site.http_url}/pub/wiki/WikiStart"
    assert requests.get(pub, auth=("nora", token)).status_code == 200
    new_password = PASSWORDS["nora"] + "-new"
    changed = post_form(web, running_site.http_url, "/account", "/account/password",
                        current_password=PASSWORDS["nora"], new_password=new_password,
                        revoke_tokens="y")
    assert "access tokens are revoked" in changed.text
    try:
        assert requests.get(pub, auth=("nora", token)).status_code == 401
    finally:
        post_form(web, running_site.http_url, "/account", "/account/password",
                  current_password=new_password, new_password=PASSWORDS["nora"])
