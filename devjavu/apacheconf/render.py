"""Rendering the Apache config and the mod_wsgi scripts from apache/*.in."""
import configparser
import os
import string
import subprocess
import sys
from pathlib import Path

import trac

from devjavu.datadir import root_only_directory
from devjavu.fsutil import atomic_write
from devjavu.settings import HSTS_CHOICES, SOURCE_ROOT, Settings

APACHE_BINARY = "/usr/sbin/apache2"
APACHE_MODULES = Path("/usr/lib/apache2/modules")
LOG_WRITER = Path(__file__).resolve().parent / "logwriter.py"
DASHBOARD_STATIC = SOURCE_ROOT / "devjavu" / "dashboard" / "static"
TRAC_HTDOCS = Path(trac.__file__).resolve().parent / "htdocs"


# Room for a form's other fields and multipart framing around the largest attachment.
REQUEST_BODY_MARGIN = 2**20


class ApacheConfigError(RuntimeError):
    """The generated configuration failed Apache's own check."""


def request_body_limit(shared_trac_ini: Path) -> int:
    """The largest request body Apache takes outside /svn: Trac's largest attachment
    (config/trac.ini's [attachment] max_size, inherited by every project) and a margin.
    The dashboard holds its own, smaller limit."""
    parser = configparser.RawConfigParser()
    parser.read(shared_trac_ini)
    try:
        max_size = parser.getint("attachment", "max_size")
    except (configparser.Error, ValueError):
        raise ApacheConfigError(f"{shared_trac_ini}: [attachment] max_size must be a "
                                "number of bytes") from None
    if max_size < 0:
        raise ApacheConfigError(f"{shared_trac_ini}: [attachment] max_size must not be "
                                "negative (unlimited attachments)")
    return max_size + REQUEST_BODY_MARGIN


# A Set-Cookie value without a Secure attribute: all of it, as $1.
_NOT_YET_SECURE = r'"(?i)^((?:(?!;\s*secure\s*(?:;|$)).)*)$"'


def _https_only_directives(settings: Settings) -> tuple[str, str]:
    """The plain-http virtual host and the https-only headers, when the public URL is
    https; empty otherwise (development answers on both ports)."""
    if not settings.https_only:
        return "", ""
    target = settings.public_url
    http_host = f"""<VirtualHost {settings.listen_address}:{settings.http_port}>
    ServerName {settings.server_name}:{settings.http_port}
    # Decided as the URL is read, before any authentication: a request never gets as far
    # as a password prompt over plain http. Pages move for good; anything else (an svn
    # client's OPTIONS, PROPFIND, POST) is refused with a message, since svn does not
    # follow redirects and must be pointed at the https URL by its user.
    RewriteEngine On
    RewriteCond %{{REQUEST_METHOD}} ^(GET|HEAD|OPTIONS|PROPFIND)$
    RewriteRule ^ {target}%{{REQUEST_URI}} [R=301,L]
    RewriteRule ^ - [F]
    ErrorDocument 403 "This site answers over https only: use {target}/ (for Subversion: svn relocate {target}/svn/PROJECT)."
</VirtualHost>"""
    https_headers = "\n".join([
        f'    Header always set Strict-Transport-Security "{HSTS_CHOICES[settings.hsts]}"',
        # Trac's cookies (trac_form_token, trac_session) come without Secure: no cookie
        # of this site may travel over plain http. Trac's and the dashboard's, whichever
        # of Apache's two header tables holds them.
        f"    Header edit Set-Cookie {_NOT_YET_SECURE} \"$1; Secure\"",
        f"    Header always edit Set-Cookie {_NOT_YET_SECURE} \"$1; Secure\""])
    return http_host, https_headers


def server_root(settings: Settings) -> Path:
    """Where httpd.conf, the pid file and sockets live: written by whoever starts Apache,
    in the server directory that only root can change (see datadir)."""
    return settings.httpd_dir


def certificate_paths(settings: Settings) -> tuple[Path, Path]:
    return settings.ssl_dir / "server.crt", settings.ssl_dir / "server.key"


def _render(settings: Settings, template_name: str, values: dict) -> str:
    template = string.Template((settings.apache_template_dir / template_name).read_text())
    return template.substitute(values)


def _piped_log(settings: Settings, name: str) -> str:
    """The command Apache pipes the log `name` into (see logwriter for why ours)."""
    return (f"|{sys.executable} -I -S {LOG_WRITER} {settings.log_dir / name} "
            f"{settings.log_max_bytes} {settings.log_keep}")


def template_values(settings: Settings) -> dict:
    certificate, key = certificate_paths(settings)
    http_host, https_headers = _https_only_directives(settings)
    as_root = os.geteuid() == 0
    user = settings.run_user
    return {
        "server_root": server_root(settings),
        "server_name": settings.server_name,
        "listen_address": settings.listen_address,
        "http_port": settings.http_port,
        "https_port": settings.https_port,
        # Only root can switch users; anyone else runs Apache as themselves.
        "user_directives": f"User {user}\nGroup {user}" if as_root else "",
        "daemon_user": f"user={user} group={user}" if as_root else "",
        "modules": APACHE_MODULES,
        "error_log": _piped_log(settings, "error.log"),
        "access_log": _piped_log(settings, "access.log"),
        "trac_htdocs": TRAC_HTDOCS,
        "dashboard_static": DASHBOARD_STATIC,
        "venv_dir": settings.venv_dir,
        "data_dir": settings.data_dir,
        "repos_dir": settings.repos_dir,
        "authz_groups": settings.authz_groups_path,
        "wsgi_processes": settings.wsgi_processes,
        "wsgi_threads": settings.wsgi_threads,
        "certificate": certificate,
        "certificate_key": key,
        "ini_path": settings.ini_path,
        "request_body_limit": request_body_limit(settings.shared_trac_ini),
        "http_host": http_host,
        "https_headers": https_headers,
    }


def check_apache_config(path: Path) -> None:
    result = subprocess.run([APACHE_BINARY, "-t", "-f", str(path)], capture_output=True,
                            text=True)
    if result.returncode != 0:
        raise ApacheConfigError(f"Apache rejected {path}:\n{result.stderr.strip()}")


def write_apache_files(settings: Settings) -> Path:
    """Render the mod_wsgi scripts (dispatcher, svn auth, job runner) and httpd.conf (checked by `apache2 -t`) atomically."""
    root = server_root(settings)
    root_only_directory(root, 0o755)
    values = template_values(settings)
    # The run user reads all four (the daemon and Apache's children load the scripts,
    # authz checks which configuration runs); none holds a secret.
    atomic_write(root / "devjavu.wsgi", _render(settings, "devjavu.wsgi.in", values),
                 mode=0o644)
    atomic_write(root / "svnauth.wsgi", _render(settings, "svnauth.wsgi.in", values),
                 mode=0o644)
    atomic_write(root / "jobs.wsgi", _render(settings, "jobs.wsgi.in", values), mode=0o644)
    conf = root / "httpd.conf"
    atomic_write(conf, _render(settings, "httpd.conf.in", values), validate=check_apache_config,
                 mode=0o644)
    return conf
