"""Moving a project's directories as one step (all of them, or none), and making them
work where they landed: a rename, a restore from the trash or from a backup."""
import os
from pathlib import Path

from devjavu.projects.service import ProjectError
from devjavu.settings import Settings
from devjavu.svn.repository import update_hooks
from devjavu.tracenv import place_environment

Moves = list[tuple[Path, Path]]


def move_all(moves: Moves) -> None:
    """Rename each source to its target; on any failure, the ones done are moved back.
    Raises ProjectError when a target exists, OSError when a rename fails."""
    done = []
    try:
        for source, target in moves:
            if os.path.lexists(target):
                raise ProjectError(f"{target} is in the way; move it aside first.")
            target.parent.mkdir(parents=True, exist_ok=True)
            os.rename(source, target)
            done.append((source, target))
    except (OSError, ProjectError):
        for source, target in reversed(done):
            os.rename(target, source)
        raise


def reversed_moves(moves: Moves) -> Moves:
    return [(target, source) for source, target in reversed(moves)]


def place_project(settings: Settings, name: str, old_name: str | None = None) -> None:
    """Project `name`'s directories are where they now belong (just moved by a rename or a
    restore): its hooks follow this release, its Trac this data directory and this name
    (its display name too, when it was still `old_name`). Raises RepositoryError,
    TracEnvError."""
    update_hooks(settings, name)
    place_environment(settings, name, old_name=old_name)
