"""Our site as the tests run it (tests/support: a SiteDir and `devjavu-admin serve`),
with the project's own defaults for everything that matters to speed."""
import configparser
import html
import re
from dataclasses import dataclass
from urllib.parse import urlencode

from bench.load.http import Connection, UnexpectedAnswer
from bench.servers import ApacheServer
from bench.workspace import Workspace, remove_tree
from devjavu.accounts.sessions import COOKIE_NAME as SESSION_COOKIE
from devjavu.settings import Settings, load_settings
from tests.support.apache import ADMIN
from tests.support.sitedir import TEMPLATE_INI, SiteDir

# The display-name of our mod_wsgi daemon processes (apache/httpd.conf.in).
OUR_DISPLAY_NAME = "devjavu-wsgi"

# SiteDir trims these for the tests; the benchmark keeps development.ini's values.
_SPEED_SETTINGS = ("devjavu.wsgi_processes", "devjavu.wsgi_threads",
                   "devjavu.trac_env_cache_size")


def project_defaults() -> dict[str, str]:
    parser = configparser.RawConfigParser()
    parser.optionxform = str
    parser.read(TEMPLATE_INI)
    return {key: parser.get("app:main", key) for key in _SPEED_SETTINGS
            if parser.has_option("app:main", key)}


def make_site(workspace: Workspace, **overrides) -> SiteDir:
    """A site .ini on free ports; `overrides` may point it at another site's data.

    Templates are not reloaded (as in production.ini): checking their files on every
    page is a development convenience, not work a real request does."""
    values = {**project_defaults(), "pyramid.reload_templates": "false", **overrides}
    site = SiteDir(**values)
    workspace.remove_at_close(lambda: remove_tree(site.root))
    return site


def site_settings(site: SiteDir) -> Settings:
    return load_settings(site.ini_path)


def our_apache(name: str, site: SiteDir, workspace: Workspace) -> ApacheServer:
    settings = site_settings(site)
    return ApacheServer(name, [ADMIN, "-c", str(site.ini_path), "serve"], site.http_port,
                        workspace.directory("logs"), settings.log_dir / "error.log")



_CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass(frozen=True)
class LoginForm:
    """What a browser holds after GET /login: the UI session cookie and its CSRF token.
    The signed cookie session keeps no server state, so one pair serves many posts."""
    cookie: str
    csrf_token: str

    def body(self, username: str, password: str, came_from: str = "/dashboard") -> str:
        return urlencode({"csrf_token": self.csrf_token, "username": username,
                          "password": password, "came_from": came_from})


def login_form(base_url: str) -> LoginForm:
    connection = Connection(base_url)
    try:
        answer = connection.get("/login")
    finally:
        connection.close()
    match = _CSRF_FIELD.search(answer.body)
    if answer.status != 200 or match is None or "devjavu_ui" not in answer.cookies:
        raise UnexpectedAnswer(f"GET /login: {answer.status}\n{answer.body[:1000]}")
    return LoginForm(f"devjavu_ui={answer.cookies['devjavu_ui']}", html.unescape(match[1]))


def sign_in(base_url: str, username: str, password: str,
            form: LoginForm | None = None) -> str:
    """Log in through the dashboard's form, as a browser does; the Cookie header value
    that carries the new session."""
    form = form or login_form(base_url)
    connection = Connection(base_url)
    try:
        answer = connection.request("POST", "/login", [("Cookie", form.cookie)],
                                    form.body(username, password))
    finally:
        connection.close()
    if answer.status != 303 or SESSION_COOKIE not in answer.cookies:
        raise UnexpectedAnswer(f"POST /login as {username}: {answer.status}\n"
                               f"{answer.body[:1000]}")
    return f"{SESSION_COOKIE}={answer.cookies[SESSION_COOKIE]}"
