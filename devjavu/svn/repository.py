"""Creating and removing a project's Subversion repository (subvertpy)."""
import os
import shutil
import string
from pathlib import Path

import subvertpy
from subvertpy import repos

from devjavu.fsutil import atomic_write
from devjavu.settings import Settings


class RepositoryError(RuntimeError):
    """A repository could not be created or changed."""


def _hook_text(settings: Settings, project_name: str) -> str:
    template = string.Template((settings.config_dir / "post-commit.in").read_text())
    return template.substitute(
        project=project_name,
        trac_admin=settings.venv_dir / "bin" / "trac-admin",
        trac_env=settings.trac_env_path(project_name),
    )


def install_hooks(settings: Settings, project_name: str) -> None:
    hook = settings.repository_path(project_name) / "hooks" / "post-commit"
    atomic_write(hook, _hook_text(settings, project_name), mode=0o755)


def create_repository(settings: Settings, project_name: str) -> Path:
    """Create an empty FSFS repository with our hooks. Raises RepositoryError."""
    path = settings.repository_path(project_name)
    if path.exists():
        raise RepositoryError(f"{path} already exists on disk.")
    try:
        repos.create(str(path))
        install_hooks(settings, project_name)
    except (subvertpy.SubversionException, OSError) as e:
        shutil.rmtree(path, ignore_errors=True)
        raise RepositoryError(f"Could not create the repository {path}: {e}") from e
    return path


def youngest_revision(path: Path) -> int:
    return repos.Repository(str(path)).fs().youngest_revision()


def last_commit(path: Path) -> tuple[int, str | None]:
    """(youngest revision, its svn:date as text); (0, None) for an empty repository."""
    fs = repos.Repository(str(path)).fs()
    youngest = fs.youngest_revision()
    if youngest == 0:
        return 0, None
    date = fs.revision_proplist(youngest).get("svn:date", b"")
    return youngest, date.decode()[:16].replace("T", " ") or None


def remove_tree(path: Path) -> None:
    if os.path.lexists(path):
        shutil.rmtree(path)
