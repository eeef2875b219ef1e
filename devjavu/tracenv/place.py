"""Pointing a Trac environment at where its project lives now.

A Trac environment holds absolute paths: its trac.ini names the shared trac.ini and the
repository directory, and its cache of the repository remembers the directory it was
filled from (Trac refuses to sync a repository whose directory changed, so new commits
would never reach the timeline). After a restore into another data directory, or a
rename, all three must follow.
"""
from trac.core import TracError
from trac.env import Environment
from trac.versioncontrol.api import RepositoryManager

from devjavu.settings import Settings
from devjavu.tracenv.config import (ConfigValueError, project_ini_path, read_project_ini,
                                    update_project_ini)
from devjavu.tracenv.create import TracEnvError


def place_environment(settings: Settings, name: str, old_name: str | None = None) -> None:
    """Make project `name`'s Trac environment use this data directory and the name
    `name` (its display name follows a rename when it was still `old_name`)."""
    path = settings.trac_env_path(name)
    ini_path = project_ini_path(settings, name)
    changes = {("inherit", "file"): str(settings.shared_trac_ini),
               ("repositories", ".dir"): str(settings.repository_path(name))}
    try:
        if old_name is not None and \
                read_project_ini(ini_path).get(("project", "name")) == old_name:
            changes["project", "name"] = name
        update_project_ini(ini_path, changes)
    except (ConfigValueError, OSError) as e:
        raise TracEnvError(f"Could not update {ini_path}: {e}") from e
    try:
        env = Environment(str(path))
    except TracError as e:
        raise TracEnvError(f"Could not open the Trac environment {path}: {e}") from e
    try:
        if env.needs_upgrade():
            raise TracEnvError(f"The Trac environment of {name} needs an upgrade.")
        with env.db_transaction as db:
            # Empty is what a resync leaves: the next sync records the new directory
            # and carries on from the revisions already cached.
            db("UPDATE repository SET value='' WHERE name='repository_dir'")
        repository = RepositoryManager(env).get_repository("")
        if repository is not None:
            repository.sync()
    except TracError as e:
        raise TracEnvError(f"Could not point {path} at its repository: {e}") from e
    finally:
        env.shutdown()
