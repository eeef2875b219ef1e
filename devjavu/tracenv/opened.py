"""Opening a project's Trac environment for one piece of work (an export, an import), in
whichever process runs it: the command line, or a mod_wsgi daemon that serves other
environments at the same time.

It is closed the way devjavu/tracruntime/envcache.py retires environments, never with a
full `env.shutdown()`: Trac's pool of database connections is one for the whole process,
and a full shutdown would close the connections other threads' pages are using.
"""
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import trac.log
from trac.core import TracError
from trac.env import Environment

from devjavu.tracenv.create import TracEnvError


@contextmanager
def opened_environment(path: Path) -> Iterator[Environment]:
    """The Trac environment at `path`, open while the block runs. Raises TracEnvError if
    it cannot be opened or needs an upgrade."""
    try:
        env = Environment(str(path))
    except (TracError, OSError) as e:
        raise TracEnvError(f"Could not open the Trac environment {path.name}: {e}") from e
    try:
        if env.needs_upgrade():
            raise TracEnvError(f"The Trac environment {path.name} needs an upgrade.")
        yield env
    finally:
        env.shutdown(threading.get_ident())      # this thread's connections only
        trac.log.shutdown(env.log)
