"""devjavu-admin [-c INI] NOUN VERB ...: argument parsing and error reporting."""
import argparse
import logging.config
import os
import sys

from devjavu.cli import (backup, check, database, member, probe, project, serve, service,
                         svnaccess, user)
from devjavu.cli.errors import CommandError
from devjavu.datadir import SITE_UMASK, UnsafePathError
from devjavu.settings import SettingsError, load_settings

COMMAND_MODULES = (database, serve, user, project, member, svnaccess, backup, check, probe,
                   service)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="devjavu-admin",
                                     description="Operate a DevjaVu site.")
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
    try:
        settings = None
        if getattr(args, "needs_settings", True):
            settings = load_settings(args.config)
            logging.config.fileConfig(settings.ini_path, disable_existing_loggers=False)
        return args.handler(settings, args) or 0
    except (CommandError, SettingsError, UnsafePathError) as e:
        print(f"devjavu-admin: error: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
