"""Getting a site ready to serve and starting Apache on it."""
import os
import subprocess

from devjavu.apacheconf.certificate import ensure_certificate
from devjavu.apacheconf.render import APACHE_BINARY, write_apache_files
from devjavu.settings import Settings


def apache_command(settings: Settings) -> list[str]:
    conf = write_apache_files(settings)
    return [APACHE_BINARY, "-f", str(conf), "-DFOREGROUND"]


def prepare_server(settings: Settings) -> list[str]:
    """Certificate and config (as the caller, root when switching users); the command."""
    ensure_certificate(settings)
    return apache_command(settings)


def start_apache(settings: Settings, **popen_args) -> subprocess.Popen:
    return subprocess.Popen(prepare_server(settings), **popen_args)


def exec_apache(settings: Settings) -> None:
    command = prepare_server(settings)
    os.execv(command[0], command)
