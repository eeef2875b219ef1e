"""The one WSGI application behind Apache: routes each request to where it belongs.

- legacy long Trac URLs: 301 to the short URL;
- `/<project>/...` of a project the user may see: that project's Trac;
- everything else (and projects the user may not see, so that a private project looks
  exactly like a missing one): the Pyramid dashboard.
"""
import logging
import os

from trac.env import Environment
from trac.web.href import Href

from devjavu.accounts.credentials import CredentialChecker
from devjavu.accounts.throttle import TooManyFailures
from devjavu.dispatch.identity import BadCredentials, identify
from devjavu.dispatch.legacy import legacy_target, short_url
from devjavu.dispatch.revisions import RevisionFollower
from devjavu.dispatch.tracrequest import serve_trac
from devjavu.projects.names import NAME_RE, RESERVED_NAMES
from devjavu.projects.renamed_names import current_name
from devjavu.projects.roles import project_access
from devjavu.site import Site
from devjavu.tracenv.config import config_changed
from devjavu.tracplugin import access
from devjavu.tracruntime.envcache import EnvironmentCache
from devjavu.tracruntime.gate import Gate

log = logging.getLogger(__name__)


def _project_segment(path_info: str) -> tuple[str, str] | None:
    """('name', '/rest') when the first path segment could be a project."""
    name, sep, rest = path_info.lstrip("/").partition("/")
    if not NAME_RE.match(name) or name in RESERVED_NAMES:
        return None
    return name, (sep + rest)


class _ReleasingIterable:
    """Keeps the environment open until the server has sent (and closed) the body."""

    def __init__(self, iterable, release):
        self._iterable = iterable
        self._release = release

    def __iter__(self):
        return iter(self._iterable)

    def close(self):
        try:
            close = getattr(self._iterable, "close", None)
            if close is not None:
                close()
        finally:
            self._release()


class Dispatcher:
    """Building one changes nothing outside it: Trac's process-wide adjustments are
    devjavu.tracruntime.install(site), run once before serving (devjavu/wsgi.py)."""

    def __init__(self, site: Site, dashboard):
        self.site = site
        self.dashboard = dashboard
        self.checker = CredentialChecker()
        self.environments = EnvironmentCache(site.settings.trac_env_cache_size,
                                             open_environment=self._open_environment,
                                             changed=config_changed)
        self.gate = Gate(site.settings.trac_concurrency)
        self.revisions = RevisionFollower()

    def __call__(self, environ, start_response):
        path_info = environ.get("PATH_INFO", "")
        target = legacy_target(path_info, environ.get("QUERY_STRING", ""))
        if target is not None:
            return _moved_permanently(start_response, target)
        project_path = _project_segment(path_info)
        if project_path is None:
            return self.dashboard(environ, start_response)
        return self._project_request(environ, start_response, *project_path)

    def _project_request(self, environ, start_response, name, rest):
        with self.site.session_factory() as db:
            try:
                user = identify(db, self.checker, environ,
                                self.site.settings.trusted_proxies)
            except TooManyFailures as refusal:
                return _too_many_failures(start_response, refusal)
            except BadCredentials:
                db.commit()      # the failure counts towards the sign-in limit
                return _unauthorized(start_response)
            visible, role = project_access(db.connection(), user, name)
            username = user.username if user is not None else None
            renamed_to = None if visible else current_name(db, name)
            if renamed_to is not None:
                # Only those who may see the project learn where an old name leads;
                # to everyone else it is a missing project, as a private one must be.
                renamed_to = renamed_to if project_access(
                    db.connection(), user, renamed_to)[0] else None
            db.commit()      # a session's last-seen time, a token's last use
        if renamed_to is not None:
            target = short_url(renamed_to, rest, environ.get("QUERY_STRING", ""))
            if target is not None:
                return _moved_permanently(start_response, target)
        if not visible:
            return self.dashboard(environ, start_response)
        if rest in ("/login", "/logout"):
            # Trac's own login is off: its links (and its "do so" hint) lead here.
            return _see_other(start_response, f"{rest}?came_from=/{name}/")
        environ["devjavu.user"] = username
        if username:
            environ["REMOTE_USER"] = username
        environ["SCRIPT_NAME"] = environ.get("SCRIPT_NAME", "").rstrip("/") + "/" + name
        environ["PATH_INFO"] = rest
        environ["trac.env_path"] = str(self.site.settings.trac_env_path(name))
        env, release = self.environments.acquire(environ["trac.env_path"])
        try:
            with self.gate.turn(), access.request_access(
                    access.Access(name, username or "anonymous", role, True)):
                self.revisions.catch_up(env, self.site.settings.repository_path(name))
                body = serve_trac(env, environ, start_response)
        except BaseException:
            release()
            raise
        return _ReleasingIterable(body, release)

    def _open_environment(self, path: str) -> Environment:
        env = Environment(path)
        # Trac's absolute links (notifications, feeds) use the site's public URL.
        env.abs_href = Href(f"{self.site.settings.public_url}/{os.path.basename(path)}")
        return env


def _moved_permanently(start_response, location: str):
    start_response("301 Moved Permanently",
                   [("Location", location), ("Content-Type", "text/plain"),
                    ("Content-Length", "0")])
    return [b""]


def _see_other(start_response, location: str):
    start_response("303 See Other", [("Location", location), ("Content-Length", "0")])
    return [b""]


def _unauthorized(start_response):
    body = b"Wrong username or password.\n"
    start_response("401 Unauthorized",
                   [("WWW-Authenticate", 'Basic realm="DevjaVu"'),
                    ("Content-Type", "text/plain; charset=utf-8"),
                    ("Content-Length", str(len(body)))])
    return [body]


def _too_many_failures(start_response, refusal: TooManyFailures):
    body = f"{refusal}\n".encode()
    start_response("429 Too Many Requests",
                   [("Retry-After", str(refusal.retry_after)),
                    ("Content-Type", "text/plain; charset=utf-8"),
                    ("Content-Length", str(len(body)))])
    return [body]
