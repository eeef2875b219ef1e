"""What FSFS keeps in plain files, read without Subversion's bindings (cheap enough for
every request, and safe to import in Apache's children).

The one way the site reads a repository's youngest revision: the dispatcher before each
Trac page, the unclean-end check, backups. It is the file the bindings read too (every
repository here is FSFS, made by svn/repository.py or restored from one), at ~30 us
against opening the repository through them.
"""
from pathlib import Path


def youngest_on_disk(repository_path: Path) -> int | None:
    """The repository's youngest revision as FSFS records it (`db/current`, one small
    file), or None if unreadable."""
    try:
        with open(repository_path / "db" / "current", "rb") as current:
            return int(current.read(64).split()[0])
    except (OSError, ValueError, IndexError):
        return None
