"""devjavu/wsgi.py: the daemon's start-up heap is collected once, then left out of later
collections."""
import gc
import weakref

import pytest

from devjavu.wsgi import settle_startup_heap


class Node:
    def __init__(self):
        self.me = self


@pytest.fixture
def thawed():
    gc.unfreeze()
    yield
    gc.unfreeze()


def test_garbage_is_collected_not_frozen(thawed):
    garbage = Node()
    dead = weakref.ref(garbage)
    del garbage
    kept = Node()
    settle_startup_heap()
    assert dead() is None
    assert gc.get_freeze_count() > 0
    # Frozen: in no generation the collector walks.
    assert all(tracked is not kept for tracked in gc.get_objects())


def test_what_is_made_later_stays_collectable(thawed):
    settle_startup_heap()
    later = Node()
    dead = weakref.ref(later)
    del later
    gc.collect()
    assert dead() is None
