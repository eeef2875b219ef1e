"""Moving a project's directories as one step: all of them, or none."""
import os
from pathlib import Path

from devjavu.projects.service import ProjectError

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
