"""What FSFS keeps in plain files, read without Subversion's bindings (cheap enough for
every request, and safe to import in Apache's children)."""
from pathlib import Path


def youngest_on_disk(repository_path: Path) -> int | None:
    """The repository's youngest revision as FSFS records it (`db/current`, one small
    file), or None if unreadable."""
    try:
        with open(repository_path / "db" / "current", "rb") as current:
            return int(current.read(64).split()[0])
    except (OSError, ValueError, IndexError):
        return None
