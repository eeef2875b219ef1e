"""The probe's state machine: failures must repeat, alerts fire once per change, and a
probe-side network problem never counts."""
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

from devjavu.monitor.probe import (DOWN, PROBE_PROBLEM, UP, ProbeConfig, ProbeState, decide,
                                   send_alert)

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


def test_webhook_gets_one_json_post_per_alert():
    """A real HTTP server on loopback receives the alert."""
    received = []

    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self):
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=server.serve_forever)
    thread.start()
    try:
        config = ProbeConfig(url="http://127.0.0.1:1",
                             webhook=f"http://127.0.0.1:{server.server_port}/alert")
        send_alert(config, "down", "refused")
    finally:
        server.shutdown()
        thread.join()
    assert received == [{"state": "down", "url": "http://127.0.0.1:1", "detail": "refused"}]
