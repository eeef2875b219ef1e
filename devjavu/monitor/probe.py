"""Checking a site from outside, as an uptime monitor does, without crying wolf.

A failed check only counts when the probe's own network works (its resolver answers,
it has a route to the site, and an optional reference host is reachable); the site is
reported down after `failures_needed` consecutive counted failures; and an alert goes
out once per change of state (down, then recovered), not once per run.
"""
import errno
import json
import os
import socket
import ssl
import subprocess
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from devjavu.fsutil import atomic_write
from devjavu.monitor import HEALTH_TOKEN_HEADER

UP, DOWN, PROBE_PROBLEM = 0, 1, 3
# Errors that say "this machine cannot reach anything", not "the site is down".
_LOCAL_NETWORK_ERRNOS = {errno.ENETUNREACH, errno.ENETDOWN, errno.EHOSTUNREACH}


@dataclass
class ProbeConfig:
    url: str
    project: str | None = None
    failures_needed: int = 2
    state_file: Path = Path("devjavu-probe.state")
    alert_command: str | None = None
    webhook: str | None = None
    reference: str | None = None          # host:port that must answer for a failure to count
    timeout: float = 10.0
    verify_tls: bool = True
    health_token: str = ""                # the site's devjavu.health_token: /_health's details


@dataclass
class ProbeState:
    reported: str = "up"
    consecutive_failures: int = 0
    last_detail: str = ""

    @classmethod
    def load(cls, path: Path) -> "ProbeState":
        try:
            return cls(**json.loads(path.read_text()))
        except (OSError, ValueError, TypeError):
            return cls()

    def save(self, path: Path) -> None:
        atomic_write(path, json.dumps(self.__dict__) + "\n")


@dataclass
class Outcome:
    code: int
    message: str
    alert: str | None = None
    checks: list[str] = field(default_factory=list)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """urllib sends a request's headers on to wherever a redirect points, even another
    host: a request carrying the health token stops at the redirect instead."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


def _get(config: ProbeConfig, path: str, headers: dict | None = None) -> tuple[int, bytes]:
    context = None
    if config.url.startswith("https") and not config.verify_tls:
        context = ssl._create_unverified_context()
    request = urllib.request.Request(config.url.rstrip("/") + path,
                                     headers={"User-Agent": "devjavu-probe", **(headers or {})})
    handlers = [urllib.request.HTTPSHandler(context=context)]
    if headers:
        handlers.append(_NoRedirects())
    try:
        with urllib.request.build_opener(*handlers).open(request,
                                                         timeout=config.timeout) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def _health_headers(config: ProbeConfig) -> dict:
    return {HEALTH_TOKEN_HEADER: config.health_token} if config.health_token else {}


def _report(body: bytes) -> dict:
    """/_health's JSON, or {} when the answer is not one (a proxy's error page)."""
    try:
        report = json.loads(body)
    except ValueError:
        return {}
    return report if isinstance(report, dict) else {}


def _failing_checks(report: dict) -> str:
    """The failing checks' names, when the site showed its details (for the token)."""
    checks = report.get("checks")
    if not isinstance(checks, dict):
        return ""
    failing = sorted(name for name, check in checks.items()
                     if isinstance(check, dict) and not check.get("ok"))
    return f" (failing: {', '.join(failing)})" if failing else ""


def site_failures(config: ProbeConfig) -> list[str]:
    """What is wrong with the site, as seen from here; empty when it is up."""
    failures = []
    try:
        status, body = _get(config, "/_health", _health_headers(config))
        report = _report(body)
        if status != 200 or report.get("status") != "ok":
            failures.append(f"/_health answered {status}{_failing_checks(report)}")
        page = f"/{config.project}/" if config.project else "/"
        status, _ = _get(config, page)
        if status != 200:
            failures.append(f"{page} answered {status}")
    except (OSError, ValueError) as e:
        failures.append(f"HTTP: {getattr(e, 'reason', e)}")
    if config.project and not failures:
        command = ["svn", "info", "--non-interactive", "--no-auth-cache",
                   f"{config.url.rstrip('/')}/svn/{config.project}"]
        if not config.verify_tls:
            command.insert(2, "--trust-server-cert-failures=unknown-ca,cn-mismatch,other")
        try:
            result = subprocess.run(command, capture_output=True, text=True,
                                    timeout=config.timeout * 3)
            if result.returncode != 0:
                failures.append(f"svn info: {result.stderr.strip().splitlines()[-1:]}")
        except subprocess.TimeoutExpired:
            failures.append("svn info timed out")
    return failures


def own_network_problem(config: ProbeConfig) -> str | None:
    """Why this probe cannot judge the site right now, or None when its network works."""
    parts = urlsplit(config.url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        addresses = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except socket.gaierror as e:
        return f"the probe's resolver cannot resolve {parts.hostname}: {e}"
    family, _, _, _, address = addresses[0]
    # A UDP "connect" sends nothing; it only asks the kernel for a route.
    with socket.socket(family, socket.SOCK_DGRAM) as s:
        try:
            s.connect(address)
        except OSError as e:
            if e.errno in _LOCAL_NETWORK_ERRNOS:
                return f"the probe has no route to {address[0]}: {e.strerror}"
    if config.reference:
        host, _, ref_port = config.reference.rpartition(":")
        try:
            socket.create_connection((host, int(ref_port)), timeout=config.timeout).close()
        except OSError as e:
            return f"the probe cannot reach its reference {config.reference}: {e}"
    return None


def decide(config: ProbeConfig, state: ProbeState, failures: list[str],
           local_problem: str | None) -> Outcome:
    """The pure state machine: counts, reports and alerts; changes `state`."""
    if not failures:
        state.consecutive_failures = 0
        alert = "recovered" if state.reported == "down" else None
        state.reported = "up"
        return Outcome(UP, "site is up", alert)
    if local_problem:
        return Outcome(PROBE_PROBLEM, f"not counted: {local_problem}")
    state.consecutive_failures += 1
    state.last_detail = "; ".join(failures)
    if state.consecutive_failures >= config.failures_needed and state.reported != "down":
        state.reported = "down"
        return Outcome(DOWN, f"site is down: {state.last_detail}", "down")
    return Outcome(DOWN, f"failure {state.consecutive_failures} of "
                         f"{config.failures_needed} needed: {state.last_detail}")


def send_alert(config: ProbeConfig, event: str, detail: str) -> None:
    payload = {"state": event, "url": config.url, "detail": detail}
    if config.alert_command:
        env = {**os.environ, "DEVJAVU_PROBE_STATE": event, "DEVJAVU_PROBE_URL": config.url,
               "DEVJAVU_PROBE_DETAIL": detail}
        subprocess.run(config.alert_command, shell=True, env=env, check=True,
                       timeout=60)
    if config.webhook:
        request = urllib.request.Request(config.webhook, data=json.dumps(payload).encode(),
                                         headers={"Content-Type": "application/json"})
        urllib.request.urlopen(request, timeout=config.timeout).close()


def probe(config: ProbeConfig) -> Outcome:
    state = ProbeState.load(config.state_file)
    # Written back before anything is judged: a probe that could not record an alert it
    # sent would send it again on every run.
    state.save(config.state_file)
    failures = site_failures(config)
    local_problem = own_network_problem(config) if failures else None
    outcome = decide(config, state, failures, local_problem)
    if outcome.alert:
        send_alert(config, outcome.alert, state.last_detail if outcome.alert == "down"
                   else "the site answers again")
    state.save(config.state_file)
    return outcome
