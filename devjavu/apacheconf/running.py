"""Whether this site's Apache is running, and with which configuration.

Apache reads httpd.conf only when it starts, and `serve` rewrites httpd.conf before
starting it: while an Apache started by `serve` runs, nothing else rewrites the file, so
the file on disk is the configuration it runs with.
"""
from pathlib import Path

from devjavu.apacheconf.render import server_root
from devjavu.settings import Settings


def _conf_path(settings: Settings) -> Path:
    return server_root(settings) / "httpd.conf"


def running_apache_pid(settings: Settings) -> int | None:
    """The pid of the Apache started on this site's httpd.conf, if it still runs: its pid
    file names it, and its command line names the file (a stale pid file whose number a
    later process reuses does not count)."""
    try:
        pid = int((server_root(settings) / "httpd.pid").read_text().strip())
        command_line = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except (OSError, ValueError):
        return None
    return pid if str(_conf_path(settings)).encode() in command_line else None


def configuration_in_use(settings: Settings) -> str | None:
    """The text of the configuration the running Apache started with; None if none runs."""
    if running_apache_pid(settings) is None:
        return None
    try:
        return _conf_path(settings).read_text()
    except OSError:
        return None
