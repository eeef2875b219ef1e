"""Creating a project's Trac environment with its repository attached."""
import contextlib
import io
import shutil
from pathlib import Path

from trac.core import TracError
from trac.env import Environment

from devjavu.settings import Settings
from devjavu.tracenv.config import check_config_value, project_options


class TracEnvError(RuntimeError):
    """A Trac environment could not be created or changed."""


def create_environment(settings: Settings, name: str, description: str = "") -> Path:
    """Create the Trac environment of project `name`. Raises TracEnvError."""
    path = settings.trac_env_path(name)
    if path.exists():
        raise TracEnvError(f"{path} already exists on disk.")
    try:
        # Trac indexes the new repository as it creates the environment, and reports
        # its progress on stdout, which is not ours to write to.
        with contextlib.redirect_stdout(io.StringIO()):
            env = Environment(str(path), create=True, options=[
                (section, option, check_config_value(value)) for (section, option), value
                in project_options(settings, name, description).items()])
        env.shutdown()
    except (TracError, OSError) as e:
        shutil.rmtree(path, ignore_errors=True)
        raise TracEnvError(f"Could not create the Trac environment {path}: {e}") from e
    return path
