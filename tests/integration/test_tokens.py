"""A personal access token, made in the dashboard, works as the svn password and stops
working the moment it is revoked."""
import re

from tests.integration.conftest import PASSWORDS
from tests.support.web import post_form, signed_in


def test_token_is_an_svn_password_until_revoked(site, svn):
    web = signed_in(site.http_url, "bob", PASSWORDS["bob"])
    page = post_form(web, site.http_url, "/account/tokens", "/account/tokens",
                     name="svn laptop", password=PASSWORDS["bob"])
    token = re.search(r'id="new-token">(djv_[^<]+)<', page.text).group(1)

    assert svn.run("ls", svn.url("priv"), user="bob", password=token).returncode == 0
    made = svn.run("mkdir", "-m", "by token", svn.url("priv", "token-dir"), user="bob",
                   password=token)
    assert made.returncode == 0
    assert svn.run("ls", svn.url("priv"), user="vic", password=token,
                   check=False).returncode != 0              # bob's token, not vic's

    listing = web.get(f"{site.http_url}/account/tokens").text
    token_id = re.search(r"/account/tokens/(\d+)/revoke", listing).group(1)
    assert re.search(r"<td>\d{4}-\d\d-\d\d \d\d:\d\d</td>\s*<td>\s*<form", listing)
    post_form(web, site.http_url, "/account/tokens", f"/account/tokens/{token_id}/revoke")
    refused = svn.run("ls", svn.url("priv"), user="bob", password=token, check=False)
    assert refused.returncode != 0
    assert svn.run("ls", svn.url("priv"), user="bob", password=PASSWORDS["bob"]
                   ).returncode == 0
