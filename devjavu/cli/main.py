"""devjavu-admin [-c INI] NOUN VERB ...: argument parsing and error reporting."""
import argparse
import configparser
import logging.config
import os
import sys

from devjavu.cli import (backup, check, database, member, probe, project, serve, service,
                         svnaccess, user)
from devjavu.cli.errors import CommandError
from devjavu.failures import describe_failure, first_line
from devjavu.datadir import SITE_UMASK, UnsafePathError
from devjavu.settings import SettingsError, load_settings

COMMAND_MODULES = (database, serve, user, project, member, svnaccess, backup, check, probe,
                   service)
# Set (to anything but 0) to get the traceback instead of the one line.
DEBUG_VARIABLE = "DEVJAVU_DEBUG"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="devjavu-admin",
                                     description="Operate a DevjaVu site.",
                                     epilog=f"A failure prints one line; {DEBUG_VARIABLE}=1 "
                                     "prints its traceback too.")
    parser.add_argument("-c", "--config", default="development.ini", metavar="INI",
                        help="the site's .ini file (default: development.ini)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module in COMMAND_MODULES:
        module.register(commands)
    return parser


def main(argv=None) -> int:
    # Everything a command creates (as root or the run user) is its owner's alone.
    os.umask(SITE_UMASK)
    parser = build_parser()
    args = parser.parse_args(argv)
    settings = None
    try:
        if getattr(args, "needs_settings", True):
            settings = load_settings(args.config)
            _configure_logging(settings.ini_path)
        return args.handler(settings, args) or 0
    except (CommandError, SettingsError, UnsafePathError) as e:
        return _fail(str(e))
    except KeyboardInterrupt:
        return 130
    except Exception as e:
        # The commands leave nothing half-done on a failure (each database change is one
        # transaction, each file written atomically), so what is left is to say why.
        if os.environ.get(DEBUG_VARIABLE, "0") not in ("", "0"):
            raise
        message = describe_failure(e, settings)
        if message is None:
            message = (f"unexpected {type(e).__name__}: {first_line(e)} (run again with "
                       f"{DEBUG_VARIABLE}=1 for the traceback)")
        return _fail(message)


def _configure_logging(ini_path) -> None:
    try:
        logging.config.fileConfig(ini_path, disable_existing_loggers=False)
    except (configparser.Error, KeyError, ValueError) as e:
        raise SettingsError(f"{ini_path}: the logging sections are wrong: "
                            f"{first_line(e)}") from None


def _fail(message: str) -> int:
    # One line, whatever the message holds: scripts read stderr line by line.
    print(f"devjavu-admin: error: {' '.join(message.split())}", file=sys.stderr)
    return 1
