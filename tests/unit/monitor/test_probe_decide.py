"""The probe's state machine: failures must repeat, alerts fire once per change, and a
probe-side network problem never counts."""
from devjavu.monitor.probe import DOWN, PROBE_PROBLEM, UP, ProbeConfig, ProbeState, decide

CONFIG = ProbeConfig(url="http://127.0.0.1:1", failures_needed=2)


def _run(state, *rounds):
    return [decide(CONFIG, state, failures, local) for failures, local in rounds]


def test_one_blip_is_not_an_outage():
    state = ProbeState()
    outcomes = _run(state, (["/_health answered 503"], None), ([], None))
    assert [o.code for o in outcomes] == [DOWN, UP]
    assert [o.alert for o in outcomes] == [None, None]


def test_down_then_recovered_alert_once_each():
    state = ProbeState()
    outcomes = _run(state, *[(["refused"], None)] * 4, ([], None), ([], None))
    assert [o.alert for o in outcomes] == [None, "down", None, None, "recovered", None]


def test_probe_network_problems_never_count():
    state = ProbeState()
    outcomes = _run(state, *[(["unreachable"], "no route")] * 5)
    assert {o.code for o in outcomes} == {PROBE_PROBLEM}
    assert all(o.alert is None for o in outcomes)
    assert state.consecutive_failures == 0 and state.reported == "up"
