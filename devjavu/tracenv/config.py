"""A project's own trac.ini: written by us, never shaped by what a user types.

Python's configparser ends a line at a value's "\\r" or "\\n" when it reads the file back,
so user text that reached trac.ini with one could add options and sections: a footer
with a script on every page, logging into a file of its choosing. Every value we write
is refused if it holds a control character or a line break of any kind, and the file
is read back before it replaces the old one: exactly the options we meant, nothing else.
Trac's own writers (the ticket admin panels save a "default component", say, as posted)
are held to the same rule by `guard_trac_config`, which devjavu.tracruntime installs.
"""
import configparser
import io
import os
from pathlib import Path

import trac.config
from sqlalchemy.orm import Session
from trac.config import ConfigurationError, UnicodeConfigParser

from devjavu.freetext import has_control_characters
from devjavu.fsutil import atomic_write
from devjavu.models import hooks
from devjavu.settings import Settings

Options = dict[tuple[str, str], str]


class ConfigValueError(ValueError):
    """A value that must not go into a configuration file; the message is safe to show."""


def check_config_value(value: str) -> str:
    if has_control_characters(value):
        raise ConfigValueError("Configuration values may not contain line breaks or "
                               "control characters.")
    return value


def project_options(settings: Settings, name: str, description: str) -> Options:
    """What a project's trac.ini holds: the rest comes from the shared config/trac.ini."""
    return {
        ("inherit", "file"): str(settings.shared_trac_ini),
        ("project", "name"): name,
        ("project", "descr"): description,
        ("trac", "database"): "sqlite:db/trac.db",
        ("repositories", ".dir"): str(settings.repository_path(name)),
        ("repositories", ".type"): "svn",
    }


def project_ini_path(settings: Settings, name: str) -> Path:
    return settings.trac_env_path(name) / "conf" / "trac.ini"


def _read(path: Path) -> UnicodeConfigParser:
    parser = UnicodeConfigParser()
    parser.read(str(path))
    return parser


def _as_options(parser: UnicodeConfigParser) -> Options:
    return {(section, option): value for section in parser.sections()
            for option, value in parser.items(section)}


def read_project_ini(path: Path) -> Options:
    return _as_options(_read(path))


def _render(parser: UnicodeConfigParser) -> str:
    out = io.StringIO()
    out.write("# -*- coding: utf-8 -*-\n\n")     # as Trac writes its own
    parser.write(out)
    return out.getvalue()


def update_project_ini(path: Path, changes: Options) -> None:
    """Set `changes` in the trac.ini at `path`, keeping its other options; atomically,
    and only once the new file reads back as exactly the options meant. Raises
    ConfigValueError for a value that could shape the file, OSError on a write failure;
    either way the old file stays byte-identical."""
    parser = _read(path)
    for (section, option), value in changes.items():
        if not parser.has_section(section):
            parser.add_section(section)
        parser.set(section, option, check_config_value(value))
    expected = _as_options(parser)
    text = _render(parser)
    if path.read_text(encoding="utf-8") == text:
        return

    def reads_back_as_meant(temp: Path) -> None:
        try:
            written = _as_options(_read(temp))
        except configparser.Error as e:
            raise ConfigValueError(f"{path} would not read back as written: {e}") from None
        if written != expected:
            raise ConfigValueError(f"{path} would not read back as written")
    before = path.stat().st_mtime_ns
    atomic_write(path, text, reads_back_as_meant)
    _move_mtime_past(path, before)


def _move_mtime_past(path: Path, before: int) -> None:
    """Open environments notice a new trac.ini by its modification time, which the
    kernel keeps in steps of a few milliseconds: a write within the step of the last one
    would look like no change at all."""
    if path.stat().st_mtime_ns <= before:
        later = before + 10_000_000
        os.utime(path, ns=(later, later))


def set_description(db: Session, settings: Settings, name: str, description: str) -> None:
    """Show `description` in project `name`'s Trac once the database has committed."""
    hooks.after_commit(db, f"trac-descr:{name}", lambda: update_project_ini(
        project_ini_path(settings, name), {("project", "descr"): description}))


def config_changed(env) -> bool:
    """Whether `env`'s trac.ini, or a file it inherits, changed on disk since `env` read
    it: a description saved on the dashboard, a ticket panel saved in another process.
    A few stat calls, cheap enough for every request."""
    return env.config.parse_if_needed()


def guard_trac_config() -> None:
    """Make every value Trac itself sets in a configuration pass `check_config_value`:
    a refused one raises ConfigurationError (Trac shows it as an error page) before
    anything is saved. Patches `trac.config.UnicodeConfigParser.set`, once."""
    parser_class = trac.config.UnicodeConfigParser
    if getattr(parser_class.set, "devjavu_guarded", False):
        return
    unguarded = parser_class.set

    def set(self, section, option, value=None):
        if isinstance(value, str) and has_control_characters(value):
            raise ConfigurationError(f"Refused a value for [{section}] {option}: "
                                     "line breaks and control characters are not "
                                     "allowed in Trac's configuration.")
        return unguarded(self, section, option, value)
    set.devjavu_guarded = True
    parser_class.set = set
