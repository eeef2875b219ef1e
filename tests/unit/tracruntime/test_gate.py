"""The gate that lets Trac pages render one (or `limit`) at a time, in arrival order,
with slow pages not holding up the others."""
import threading
import time

from devjavu.tracruntime.gate import Gate

WAIT = 5.0    # seconds a thread may take to show up where the test expects it


class Visitor(threading.Thread):
    """Takes a turn, records that it entered, and leaves when told to."""

    def __init__(self, gate: Gate, name: str, entered: list):
        super().__init__(daemon=True)
        self.gate, self.label, self.entered = gate, name, entered
        self.inside = threading.Event()
        self.leave = threading.Event()

    def run(self):
        with self.gate.turn():
            self.entered.append(self.label)
            self.inside.set()
            self.leave.wait(WAIT)


def _queued(gate: Gate, count: int) -> None:
    deadline = time.monotonic() + WAIT
    while len(gate._queue) < count and time.monotonic() < deadline:
        time.sleep(0.005)
    assert len(gate._queue) == count


def test_one_at_a_time_in_arrival_order():
    gate, entered = Gate(1, slow_seconds=60), []
    first = Visitor(gate, "first", entered)
    first.start()
    assert first.inside.wait(WAIT)
    others = []
    for number, name in enumerate(("second", "third"), 1):
        visitor = Visitor(gate, name, entered)
        visitor.start()
        _queued(gate, number)
        others.append(visitor)
    assert not others[0].inside.wait(0.2)
    first.leave.set()
    assert others[0].inside.wait(WAIT) and not others[1].inside.is_set()
    others[0].leave.set()
    assert others[1].inside.wait(WAIT)
    others[1].leave.set()
    assert entered == ["first", "second", "third"]


def test_limit_of_two_lets_two_in():
    gate, entered = Gate(2, slow_seconds=60), []
    visitors = [Visitor(gate, str(i), entered) for i in range(3)]
    for visitor in visitors[:2]:
        visitor.start()
        assert visitor.inside.wait(WAIT)
    visitors[2].start()
    _queued(gate, 1)
    assert not visitors[2].inside.wait(0.2)
    visitors[0].leave.set()
    assert visitors[2].inside.wait(WAIT)
    for visitor in visitors:
        visitor.leave.set()


def test_a_slow_page_does_not_hold_up_the_next():
    gate, entered = Gate(1, slow_seconds=0.3), []
    slow = Visitor(gate, "slow", entered)
    slow.start()
    assert slow.inside.wait(WAIT)
    started = time.monotonic()
    fast = Visitor(gate, "fast", entered)
    fast.start()
    assert fast.inside.wait(WAIT)
    waited = time.monotonic() - started
    assert 0.2 <= waited < WAIT and not slow.leave.is_set()
    slow.leave.set()
    fast.leave.set()
    assert entered == ["slow", "fast"]
