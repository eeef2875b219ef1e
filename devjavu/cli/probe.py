"""probe URL: check a running site from outside, for alerting (needs no .ini).

Exit codes: 0 up, 1 down (counted), 3 the probe's own network is at fault (not counted).
"""
from pathlib import Path

from devjavu.cli.errors import CommandError
from devjavu.monitor.probe import ProbeConfig, probe


def register(commands) -> None:
    parser = commands.add_parser("probe", help="check a site from outside, as an uptime "
                                 "monitor would")
    parser.add_argument("url", help="the site, e.g. https://devjavu.example.org")
    parser.add_argument("--project", help="a (public) project to fetch and `svn info`")
    parser.add_argument("--failures", type=int, default=2,
                        help="consecutive failures before the site is reported down (2)")
    parser.add_argument("--state", type=Path, default=Path("devjavu-probe.state"),
                        help="file that remembers failures and the last reported state")
    parser.add_argument("--alert-command", help="shell command run once per state change, "
                        "with DEVJAVU_PROBE_STATE (down|recovered), _URL and _DETAIL set")
    parser.add_argument("--webhook", help="URL that gets a JSON POST once per state change")
    parser.add_argument("--reference", metavar="HOST:PORT",
                        help="must be reachable for a failure to count")
    parser.add_argument("--timeout", type=float, default=10.0)
    parser.add_argument("--insecure", action="store_true",
                        help="accept a self-signed certificate")
    parser.set_defaults(handler=run_probe, needs_settings=False)


def run_probe(settings, args) -> int:
    if args.failures < 1:
        raise CommandError("--failures must be at least 1")
    outcome = probe(ProbeConfig(url=args.url, project=args.project,
                                failures_needed=args.failures, state_file=args.state,
                                alert_command=args.alert_command, webhook=args.webhook,
                                reference=args.reference, timeout=args.timeout,
                                verify_tls=not args.insecure))
    print(outcome.message + (f" (alert: {outcome.alert})" if outcome.alert else ""))
    return outcome.code
