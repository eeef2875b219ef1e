"""Reading passwords: one line on standard input, or a prompt on a terminal; never argv."""
import getpass
import sys

from devjavu.cli.errors import CommandError


def read_new_password() -> str:
    if sys.stdin.isatty():
        first = getpass.getpass("Password: ")
        if getpass.getpass("Password (again): ") != first:
            raise CommandError("The passwords do not match.")
        return first
    line = sys.stdin.readline()
    if not line:
        raise CommandError("Expected the password as one line on standard input.")
    return line.rstrip("\r\n")


def read_password(prompt: str = "Password: ") -> str:
    """An existing password (no confirmation): a prompt on a terminal, else one line on
    standard input."""
    if sys.stdin.isatty():
        return getpass.getpass(prompt)
    line = sys.stdin.readline()
    if not line:
        raise CommandError("Expected the password as one line on standard input.")
    return line.rstrip("\r\n")
