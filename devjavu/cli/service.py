"""install-service [--dest DIR] [--name NAME]: systemd units for the site, its daily
backup and its daily trash purge, written from config/systemd/*.in."""
import contextlib
import os
import re
import string
from pathlib import Path

from devjavu import datadir
from devjavu.backup.sources import database_is_sqlite, sqlite_path
from devjavu.cli.errors import CommandError
from devjavu.fsutil import atomic_write
from devjavu.settings import SOURCE_ROOT, Settings

TEMPLATE_DIR = SOURCE_ROOT / "config" / "systemd"
DEFAULT_DEST = Path("/etc/systemd/system")
# Template file -> unit file, with NAME for the --name chosen.
UNITS = {"devjavu.service.in": "{name}.service",
         "devjavu-backup.service.in": "{name}-backup.service",
         "devjavu-backup.timer.in": "{name}-backup.timer",
         "devjavu-purge.service.in": "{name}-purge.service",
         "devjavu-purge.timer.in": "{name}-purge.timer"}
NAME_RE = re.compile(r"\A[a-z][a-z0-9-]{0,39}\Z")
# A path of these characters needs no quoting or escaping in a unit file (no space, no
# `%` specifier, no `$` variable, no quote or backslash).
PLAIN_PATH_RE = re.compile(r"\A/[A-Za-z0-9/._+@:,-]*\Z")

# What systemd takes away from the site's processes: what the stack was seen to need
# stays (root to start Apache, which switches to the run user itself; the data, server
# and backup folders writable; loopback and network sockets). NoNewPrivileges holds with
# Apache: switching from root to the run user gives up privileges, and nothing of the
# site executes a set-user-ID program.
HARDENING = """\
UMask=0077
NoNewPrivileges=yes
PrivateTmp=yes
PrivateDevices=yes
ProtectSystem=strict
ReadWritePaths=$writable
ProtectHome=read-only
ProtectKernelTunables=yes
ProtectKernelModules=yes
ProtectKernelLogs=yes
ProtectControlGroups=yes
ProtectClock=yes
ProtectHostname=yes
RestrictSUIDSGID=yes
RestrictRealtime=yes
RestrictNamespaces=yes
LockPersonality=yes
SystemCallArchitectures=native
RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6 AF_NETLINK"""


def register(commands) -> None:
    install = commands.add_parser(
        "install-service", help="write systemd units for the site, its daily backup and "
        "its daily trash purge")
    install.add_argument("--dest", type=Path, default=DEFAULT_DEST,
                         help=f"where to write them (default: {DEFAULT_DEST})")
    install.add_argument("--name", default="devjavu",
                         help="the units' name: NAME.service, NAME-backup.timer, ... "
                         "(default: devjavu)")
    install.set_defaults(handler=install_service)


def _plain_path(path: Path) -> str:
    text = str(path)
    if not PLAIN_PATH_RE.match(text):
        raise CommandError(f"{text[:200]!r}: a path in a unit file must be absolute and of "
                           "A-Z a-z 0-9 / . _ + @ : , - only (no spaces, % or $)")
    return text


def writable_paths(settings: Settings) -> list[Path]:
    """The folders the site writes, each once (none inside another)."""
    paths = [settings.data_dir, settings.server_dir, settings.backup_dir,
             settings.backup_key_path.parent]
    if database_is_sqlite(settings):
        paths.append(sqlite_path(settings).parent)
    kept: list[Path] = []
    for path in paths:
        if not any(path.is_relative_to(outer) for outer in kept):
            kept = [inner for inner in kept if not inner.is_relative_to(path)] + [path]
    return kept


def render_units(settings: Settings, name: str) -> dict[str, str]:
    """{unit file name: text} for the site at `settings`."""
    if not NAME_RE.match(name):
        raise CommandError(f"{name[:60]!r}: a unit name is 1 to 40 characters of a-z, 0-9 "
                           "and '-', starting with a letter")
    hardening = string.Template(HARDENING).substitute(
        writable=" ".join(_plain_path(path) for path in writable_paths(settings)))
    values = {"name": name, "admin": _plain_path(settings.venv_dir / "bin" / "devjavu-admin"),
              "ini_path": _plain_path(settings.ini_path),
              "source_root": _plain_path(SOURCE_ROOT), "hardening": hardening}
    return {unit.format(name=name):
            string.Template((TEMPLATE_DIR / template).read_text()).substitute(values)
            for template, unit in UNITS.items()}


def install_service(settings, args) -> int:
    units = render_units(settings, args.name)
    # ProtectSystem=strict makes everything else read-only, and a missing ReadWritePaths
    # folder keeps the service from starting: they must all exist before the first start.
    datadir.prepare(settings)
    datadir.root_only_directory(settings.backup_key_path.parent, None)
    made = not os.path.lexists(args.dest)
    datadir.root_only_directory(args.dest, None)
    written = []
    try:
        for unit, text in units.items():
            if not (args.dest / unit).exists():
                written.append(args.dest / unit)
            atomic_write(args.dest / unit, text, mode=0o644)
    except OSError as e:
        # All the units or none: a failed run takes back the ones it added.
        for path in written:
            path.unlink(missing_ok=True)
        if made:
            with contextlib.suppress(OSError):
                args.dest.rmdir()
        if e.filename is None:
            e.filename = str(args.dest)
        raise
    timers = " ".join(unit for unit in units if unit.endswith(".timer"))
    print(f"Wrote {', '.join(units)} to {args.dest}. Start the site and its timers with:\n"
          f"  systemctl daemon-reload\n"
          f"  systemctl enable --now {args.name}.service {timers}\n"
          f"and see them with `systemctl status {args.name}` and "
          f"`systemctl list-timers '{args.name}-*'`.")
    return 0
