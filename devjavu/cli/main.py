"""devjavu-admin [-c INI] NOUN VERB ...: argument parsing and error reporting."""
import argparse
import configparser
import logging.config
import os

from devjavu.cli import (backup, check, database, member, probe, project, serve, service,
                         svnaccess, user)
from devjavu.cli.answer import DEBUG_VARIABLE, answer
from devjavu.datadir import SITE_UMASK
from devjavu.failures import first_line
from devjavu.settings import SettingsError, load_settings

COMMAND_MODULES = (database, serve, user, project, member, svnaccess, backup, check, probe,
                   service)


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

    def command() -> int:
        nonlocal settings
        if getattr(args, "needs_settings", True):
            settings = load_settings(args.config)
            _configure_logging(settings.ini_path)
        return args.handler(settings, args)
    return answer(command, lambda: settings)


def _configure_logging(ini_path) -> None:
    try:
        logging.config.fileConfig(ini_path, disable_existing_loggers=False)
    except (configparser.Error, KeyError, ValueError) as e:
        raise SettingsError(f"{ini_path}: the logging sections are wrong: "
                            f"{first_line(e)}") from None
