"""Rendering the Apache config and the two mod_wsgi scripts from apache/*.in."""
import os
import string
import subprocess
from pathlib import Path

import trac

from devjavu.datadir import root_only_directory
from devjavu.fsutil import atomic_write
from devjavu.settings import SOURCE_ROOT, Settings

APACHE_BINARY = "/usr/sbin/apache2"
APACHE_MODULES = Path("/usr/lib/apache2/modules")
ROTATELOGS = "/usr/bin/rotatelogs"
DASHBOARD_STATIC = SOURCE_ROOT / "devjavu" / "dashboard" / "static"
TRAC_HTDOCS = Path(trac.__file__).resolve().parent / "htdocs"


class ApacheConfigError(RuntimeError):
    """The generated configuration failed Apache's own check."""


def server_root(settings: Settings) -> Path:
    """Where httpd.conf, the pid file and sockets live: written by whoever starts Apache,
    in the server directory that only root can change (see datadir)."""
    return settings.httpd_dir


def certificate_paths(settings: Settings) -> tuple[Path, Path]:
    return settings.ssl_dir / "server.crt", settings.ssl_dir / "server.key"


def _render(settings: Settings, template_name: str, values: dict) -> str:
    template = string.Template((settings.apache_template_dir / template_name).read_text())
    return template.substitute(values)


def template_values(settings: Settings) -> dict:
    certificate, key = certificate_paths(settings)
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
        "log_dir": settings.log_dir,
        "rotatelogs": ROTATELOGS,
        "log_keep": settings.log_keep,
        "log_max_mb": settings.log_max_mb,
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
    }


def check_apache_config(path: Path) -> None:
    result = subprocess.run([APACHE_BINARY, "-t", "-f", str(path)], capture_output=True,
                            text=True)
    if result.returncode != 0:
        raise ApacheConfigError(f"Apache rejected {path}:\n{result.stderr.strip()}")


def write_apache_files(settings: Settings) -> Path:
    """Render the mod_wsgi scripts and httpd.conf (checked by `apache2 -t`) atomically."""
    root = server_root(settings)
    root_only_directory(root, 0o755)
    values = template_values(settings)
    # The run user reads all three (the daemon and Apache's children load the scripts,
    # authz checks which configuration runs); none holds a secret.
    atomic_write(root / "devjavu.wsgi", _render(settings, "devjavu.wsgi.in", values),
                 mode=0o644)
    atomic_write(root / "svnauth.wsgi", _render(settings, "svnauth.wsgi.in", values),
                 mode=0o644)
    conf = root / "httpd.conf"
    atomic_write(conf, _render(settings, "httpd.conf.in", values), validate=check_apache_config,
                 mode=0o644)
    return conf
