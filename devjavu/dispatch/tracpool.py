"""Room in Trac's pool of database connections for every environment we keep open.

Trac keeps one pool of connections for all the environments of a process, of 10 by
default (TRAC_DB_POOL_SIZE, read when Trac is imported). With more environments in use
than that, nearly every request found no idle connection to its own database, closed
the least recently used one of another environment and opened a new one: a file open
and a parse of the schema on its first query. Sized for one idle connection per
environment the process keeps open, plus one in use per thread, a connection is reused
as long as its environment stays in the cache.
"""
import trac.db.pool


def make_room_for(environments: int, threads: int) -> int:
    """Grow (never shrink) the pool of this process; returns its size."""
    backend = trac.db.pool._backend
    backend._maxsize = max(backend._maxsize, environments + threads)
    return backend._maxsize
