"""Room in Trac's pool of database connections for every environment we keep open.

Trac keeps one pool of connections for all the environments of a process, of 10 by
default (TRAC_DB_POOL_SIZE, read when Trac is imported). With more environments in use
than that, nearly every request found no idle connection to its own database, closed
the least recently used one of another environment and opened a new one: a file open
and a parse of the schema on its first query. Sized for one idle connection per
environment the process keeps open, plus one in use per thread, a connection is reused
as long as its environment stays in the cache. Each connection holds a file descriptor:
the pool never takes more than half of what the process may open.
"""
import resource

import trac.db.pool


def make_room_for(environments: int, threads: int) -> int:
    """Grow (never shrink) the pool of this process; returns its size."""
    wanted = environments + threads
    soft_limit, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft_limit != resource.RLIM_INFINITY:
        wanted = min(wanted, soft_limit // 2)
    backend = trac.db.pool._backend
    backend._maxsize = max(backend._maxsize, wanted)
    return backend._maxsize
