"""Rebuilding a Trac environment's cache of its repository after an import.

An import writes each revision first and its author and date just after (svnsync), so a
page read in between cached what was not yet true; the whole cache is rebuilt once the
history is complete (and a dump's, once loaded). `trac-admin` runs as its own process,
in the background (devjavu/lowpriority.py), so that neither a web daemon nor the job
runner holds Trac's memory for it.
"""
import subprocess

from devjavu.lowpriority import low_priority
from devjavu.settings import Settings
from devjavu.tracenv.create import TracEnvError


def resync_repository(settings: Settings, name: str) -> None:
    trac_admin = settings.venv_dir / "bin" / "trac-admin"
    result = subprocess.run(low_priority([trac_admin, settings.trac_env_path(name),
                                          "repository", "resync", "(default)"]),
                            stdin=subprocess.DEVNULL, capture_output=True, text=True)
    if result.returncode != 0:
        raise TracEnvError(f"Trac could not read the history of {name}: "
                           f"{result.stderr.strip()[-500:]}")
