"""Every setting DevjaVu reads, checked once into a frozen `Settings`.

The .ini's `[app:main]` section is the only source. Unknown `devjavu.*` keys are
refused by name, so that a typo in an operator's file is an error, not a silent
default.
"""
from __future__ import annotations

import configparser
import dataclasses
import os
import pwd
import re
from dataclasses import dataclass
from pathlib import Path

from paste.deploy.loadwsgi import appconfig

from devjavu.clientaddress import parse_trusted_proxies

SOURCE_ROOT = Path(__file__).resolve().parent.parent


class SettingsError(ValueError):
    """A setting is missing, unknown or malformed."""


@dataclass(frozen=True)
class Settings:
    ini_path: Path
    data_dir: Path
    database_url: str
    listen_address: str
    http_port: int
    https_port: int
    server_name: str
    run_user: str
    wsgi_processes: int
    wsgi_threads: int
    trac_env_cache_size: int
    trac_concurrency: int
    disk_reserve: "DiskReserve"
    backup_dir: Path
    backup_keep_daily: int
    backup_keep_weekly: int
    backup_max_age_hours: int
    log_max_bytes: int
    log_keep: int
    public_url: str
    smtp_host: str
    smtp_port: int
    mail_from: str
    session_days: int
    session_idle_minutes: int
    trash_days: int
    renamed_name_days: int
    hsts: str
    health_cache_seconds: int
    # Shows /_health's details to a request carrying it; empty: no token opens them.
    health_token: str = dataclasses.field(repr=False)
    # Proxies whose X-Forwarded-For is believed (devjavu.clientaddress); none by default.
    trusted_proxies: tuple = ()
    # Networks an import from a URL may reach although they are not public (loopback,
    # private, link-local; the server's own addresses); none by default.
    import_allowed_networks: tuple = ()
    # Root's files for Apache (config, pid file, sockets, certificate, logs): never inside
    # a folder the run user owns, which could swap them for links.
    server_dir: Path = Path()
    # The key that signs backups; outside the data directory, so the run user never
    # reads it and cannot sign a forged backup.
    backup_key_path: Path = Path()

    @property
    def https_only(self) -> bool:
        """Whether the public URL is https: then plain http only redirects there, browsers
        are told so (HSTS), and every cookie is Secure."""
        return self.public_url.startswith("https://")

    @property
    def repos_dir(self) -> Path:
        return self.data_dir / "repos"

    @property
    def authz_dir(self) -> Path:
        return self.data_dir / "authz"

    @property
    def authz_groups_path(self) -> Path:
        """Subversion's groups file for every repository: who the site admins are."""
        return self.authz_dir / "groups"

    @property
    def trac_dir(self) -> Path:
        return self.data_dir / "trac"

    @property
    def run_dir(self) -> Path:
        return self.data_dir / "run"

    @property
    def log_dir(self) -> Path:
        return self.server_dir / "logs"

    @property
    def ssl_dir(self) -> Path:
        return self.server_dir / "ssl"

    @property
    def httpd_dir(self) -> Path:
        """Apache's ServerRoot: its generated config, pid file and sockets."""
        return self.server_dir / "httpd"

    @property
    def trash_dir(self) -> Path:
        return self.data_dir / "trash"

    @property
    def journal_dir(self) -> Path:
        """Operations in flight that a killed process must not leave half done."""
        return self.data_dir / "journal"

    @property
    def secret_path(self) -> Path:
        return self.data_dir / "secret.key"

    @property
    def venv_dir(self) -> Path:
        return SOURCE_ROOT / ".venv"

    @property
    def shared_trac_ini(self) -> Path:
        return SOURCE_ROOT / "config" / "trac.ini"

    @property
    def config_dir(self) -> Path:
        return SOURCE_ROOT / "config"

    @property
    def apache_template_dir(self) -> Path:
        return SOURCE_ROOT / "apache"

    def repository_path(self, project_name: str) -> Path:
        return self.repos_dir / project_name

    def trac_env_path(self, project_name: str) -> Path:
        return self.trac_dir / project_name


# key -> (parser, default); None as default means required.
def _int_in(low: int, high: int):
    def parse(text: str) -> int:
        value = int(text)
        if not low <= value <= high:
            raise ValueError(f"must be between {low} and {high}")
        return value
    return parse


def _megabytes_as_bytes(text: str) -> int:
    # Fractions are for tests and small machines: 0.05 is about 50 KB.
    value = float(text)
    if not 0.01 <= value <= 100000:
        raise ValueError("must be between 0.01 and 100000 (megabytes)")
    return int(value * 2**20)


@dataclass(frozen=True)
class DiskReserve:
    """Free disk to keep: a share of the disk in percent ("10") or a size ("5G", "500M").

    A bare number is a percentage because a `%` would have to be written `%%` in a
    PasteDeploy .ini file."""
    percent: float | None = None
    size_bytes: int | None = None

    def bytes_for(self, disk_total: int) -> int:
        if self.percent is not None:
            return int(disk_total * self.percent / 100)
        return self.size_bytes or 0

    def __str__(self) -> str:
        if self.percent is not None:
            return f"{self.percent:g}%"
        return f"{self.size_bytes // 2**20} MiB"


_SIZE_UNITS = {"K": 2**10, "M": 2**20, "G": 2**30, "T": 2**40}


def _reserve(text: str) -> DiskReserve:
    text = text.strip().upper().removesuffix("B")
    try:
        if text and text[-1] in _SIZE_UNITS:
            return DiskReserve(size_bytes=int(float(text[:-1]) * _SIZE_UNITS[text[-1]]))
        value = float(text.removesuffix("%"))
    except ValueError:
        raise ValueError("use a percentage (10) or a size (500M, 5G)") from None
    if not 0 <= value < 100:
        raise ValueError("a percentage must be from 0 to 99")
    return DiskReserve(percent=value)


_TOKEN_RE = re.compile(r"[A-Za-z0-9_.~+/=-]{32,256}")


def parse_health_token(text: str) -> str:
    """`text` if it makes a good devjavu.health_token; the error never repeats it."""
    if not _TOKEN_RE.fullmatch(text):
        raise ValueError("use 32 to 256 characters of A-Z a-z 0-9 - _ . ~ + / =, e.g. "
                         "from: python3 -c 'import secrets; print(secrets.token_urlsafe(32))'")
    return text


# A scheme and a host (a name or an IPv4 address) with an optional port: nothing else,
# since the public URL is written into Apache's configuration and into redirects.
_PUBLIC_URL_RE = re.compile(r"https?://[A-Za-z0-9](?:[A-Za-z0-9.-]{0,252})(?::[0-9]{1,5})?")


def parse_public_url(text: str) -> str:
    url = text.rstrip("/")
    if not _PUBLIC_URL_RE.fullmatch(url):
        raise ValueError("use http:// or https:// with a host name and, if needed, a port, "
                         "e.g. https://devjavu.example.org")
    return url


# What Strict-Transport-Security covers: this host only, or its subdomains too (and
# whether to ask browsers to build that in), each a promise hard to take back.
HSTS_CHOICES = {
    "host": "max-age=31536000",
    "subdomains": "max-age=31536000; includeSubDomains",
    "preload": "max-age=63072000; includeSubDomains; preload",
}


def _hsts(text: str) -> str:
    if text not in HSTS_CHOICES:
        raise ValueError(f"use one of: {', '.join(HSTS_CHOICES)}")
    return text


def _user(text: str) -> str:
    try:
        pwd.getpwnam(text)
    except KeyError:
        raise ValueError(f"no such system user {text!r}") from None
    return text


_FIELDS = {
    "devjavu.data_dir": ("data_dir", Path, None),
    "sqlalchemy.url": ("database_url", str, None),
    "devjavu.listen_address": ("listen_address", str, "127.0.0.1"),
    "devjavu.http_port": ("http_port", _int_in(1, 65535), "8080"),
    "devjavu.https_port": ("https_port", _int_in(1, 65535), "8443"),
    "devjavu.server_name": ("server_name", str, "127.0.0.1"),
    "devjavu.run_user": ("run_user", _user, "www-data"),
    "devjavu.wsgi_processes": ("wsgi_processes", _int_in(1, 64), "2"),
    "devjavu.wsgi_threads": ("wsgi_threads", _int_in(1, 100), "15"),
    "devjavu.trac_env_cache_size": ("trac_env_cache_size", _int_in(1, 100000), "50"),
    "devjavu.trac_concurrency": ("trac_concurrency", _int_in(1, 100), "1"),
    "devjavu.disk_reserve": ("disk_reserve", _reserve, "10"),
    # Empty: <data_dir>/backups.
    "devjavu.backup_dir": ("backup_dir", Path, ""),
    "devjavu.backup_keep_daily": ("backup_keep_daily", _int_in(1, 1000), "7"),
    "devjavu.backup_keep_weekly": ("backup_keep_weekly", _int_in(0, 1000), "4"),
    "devjavu.backup_max_age_hours": ("backup_max_age_hours", _int_in(1, 100000), "26"),
    "devjavu.log_max_mb": ("log_max_bytes", _megabytes_as_bytes, "10"),
    "devjavu.log_keep": ("log_keep", _int_in(1, 1000), "5"),
    # Empty: http://<server_name>:<http_port>. Links in emails start with it.
    "devjavu.public_url": ("public_url", parse_public_url, ""),
    "devjavu.smtp_host": ("smtp_host", str, "127.0.0.1"),
    "devjavu.smtp_port": ("smtp_port", _int_in(1, 65535), "25"),
    "devjavu.mail_from": ("mail_from", str, "DevjaVu <devjavu@localhost>"),
    "devjavu.session_days": ("session_days", _int_in(1, 365), "14"),
    # A sign-in unused this long ends; at least 5, since its last-seen time is written
    # at most once a minute.
    "devjavu.session_idle_minutes": ("session_idle_minutes", _int_in(5, 525600), "120"),
    "devjavu.trash_days": ("trash_days", _int_in(0, 3650), "30"),
    # How long a renamed project's old name keeps redirecting and stays its own.
    "devjavu.renamed_name_days": ("renamed_name_days", _int_in(0, 3650), "90"),
    # Only sent when the public URL is https.
    "devjavu.hsts": ("hsts", _hsts, "host"),
    # How long a daemon process reuses /_health's check results (0: never).
    "devjavu.health_cache_seconds": ("health_cache_seconds", _int_in(0, 300), "5"),
    # Empty: only site admins and the loopback address see /_health's details.
    "devjavu.health_token": ("health_token", parse_health_token, ""),
    # Empty: X-Forwarded-For is ignored and every client is the connection's address.
    "devjavu.trusted_proxies": ("trusted_proxies", parse_trusted_proxies, ""),
    # Empty: imports from a URL reach public addresses only.
    "devjavu.import_allowed_networks": ("import_allowed_networks", parse_trusted_proxies,
                                        ""),
    # Empty: <data_dir>-server, beside the data directory.
    "devjavu.server_dir": ("server_dir", Path, ""),
    # Empty: <server_dir>/backup.key, made on the first backup.
    "devjavu.backup_key": ("backup_key_path", Path, ""),
}

_OPTIONAL = {"devjavu.public_url", "devjavu.backup_dir", "devjavu.health_token",
             "devjavu.trusted_proxies", "devjavu.import_allowed_networks",
             "devjavu.server_dir", "devjavu.backup_key"}
# Never echoed in an error message.
_SECRET = {"devjavu.health_token"}

# Keys that belong to libraries we configure through the same section.
_FOREIGN_PREFIXES = ("pyramid.", "sqlalchemy.", "tm.", "retry.")


def settings_from_dict(raw: dict[str, str], ini_path: Path) -> Settings:
    """Check `raw` (an .ini section) and return the frozen settings."""
    unknown = sorted(k for k in raw if k.startswith("devjavu.") and k not in _FIELDS)
    if unknown:
        raise SettingsError(f"{ini_path}: unknown setting(s): {', '.join(unknown)}")
    values = {}
    for key, (field, parse, default) in _FIELDS.items():
        text = raw.get(key, default)
        if key in _OPTIONAL and not str(text).strip():
            values[field] = ""
            continue
        if text is None or not str(text).strip():
            raise SettingsError(f"{ini_path}: setting {key} is required")
        try:
            values[field] = parse(str(text).strip())
        except ValueError as e:
            shown = "(hidden)" if key in _SECRET else repr(text)
            raise SettingsError(f"{ini_path}: setting {key} = {shown}: {e}") from None
    if values["http_port"] == values["https_port"]:
        raise SettingsError(f"{ini_path}: http_port and https_port must differ")
    values["data_dir"] = Path(os.path.abspath(values["data_dir"]))
    data_dir = values["data_dir"]
    values["server_dir"] = (Path(os.path.abspath(values["server_dir"])) if values["server_dir"]
                            else data_dir.with_name(f"{data_dir.name}-server"))
    if values["server_dir"].is_relative_to(data_dir) or data_dir.is_relative_to(
            values["server_dir"]):
        raise SettingsError(f"{ini_path}: devjavu.server_dir must lie outside the data "
                            "directory (the run user owns that one) and not contain it")
    values["backup_dir"] = (Path(os.path.abspath(values["backup_dir"])) if values["backup_dir"]
                            else values["server_dir"] / "backups")
    if values["backup_dir"].is_relative_to(data_dir):
        raise SettingsError(f"{ini_path}: devjavu.backup_dir must lie outside the data "
                            "directory: backups are root's, the data directory the run "
                            "user's")
    values["backup_key_path"] = (Path(os.path.abspath(values["backup_key_path"]))
                                 if values["backup_key_path"]
                                 else values["server_dir"] / "backup.key")
    if values["backup_key_path"].is_relative_to(data_dir):
        raise SettingsError(f"{ini_path}: devjavu.backup_key must lie outside the data "
                            "directory, where the run user cannot read it")
    if not values["public_url"]:
        values["public_url"] = f"http://{values['server_name']}:{values['http_port']}"
    values["public_url"] = values["public_url"].rstrip("/")
    values["trusted_proxies"] = values["trusted_proxies"] or ()
    values["import_allowed_networks"] = values["import_allowed_networks"] or ()
    return Settings(ini_path=ini_path, **values)


def load_settings(ini_path: str | os.PathLike) -> Settings:
    """Read the `[app:main]` section of the .ini at `ini_path`."""
    path = Path(os.path.abspath(ini_path))
    if not path.is_file():
        raise SettingsError(f"{path}: no such configuration file")
    try:
        raw = dict(appconfig(f"config:{path}", name="main"))
    except configparser.InterpolationError as e:
        raise SettingsError(f"{path}: setting {e.option} in [{e.section}]: a '%' is read as "
                            "a reference to another setting; write a literal % as %%"
                            ) from None
    except (configparser.Error, LookupError, OSError) as e:
        raise SettingsError(f"{path}: cannot read it: {_first_line(e)}") from None
    return settings_from_dict(raw, path)


def _first_line(error: Exception) -> str:
    # PasteDeploy prefixes configparser's message with "Error in file <path>: ".
    line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return line.split(": ", 1)[1] if line.startswith("Error in file ") else line
