"""The size of Trac's process-wide pool of database connections."""
import resource

import trac.db.pool

from devjavu.tracruntime import tracpool


def test_pool_grows_to_the_cache_but_within_half_the_file_limit(monkeypatch):
    monkeypatch.setattr(trac.db.pool._backend, "_maxsize", 10)
    assert tracpool.make_room_for(50, 15) == 65
    assert tracpool.make_room_for(5, 1) == 65                  # never shrinks
    monkeypatch.setattr(resource, "getrlimit", lambda kind: (1024, 4096))
    assert tracpool.make_room_for(100000, 15) == 512
