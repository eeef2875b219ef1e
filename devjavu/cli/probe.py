"""probe URL: check a running site from outside, for alerting (needs no .ini).

Exit codes: 0 up, 1 down (counted), 3 the probe's own network is at fault (not counted).
With the site's health token (from a file or the -c INI, never the command line), a
failure names the failing checks.
"""
import ipaddress
from pathlib import Path
from urllib.parse import urlsplit

from devjavu.cli.errors import CommandError
from devjavu.monitor.probe import ProbeConfig, probe
from devjavu.settings import load_settings, parse_health_token


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
    token = parser.add_mutually_exclusive_group()
    token.add_argument("--health-token-file", type=Path, metavar="FILE",
                       help="a file holding the site's devjavu.health_token: /_health then "
                       "shows the probe which checks fail")
    token.add_argument("--health-token-from-config", action="store_true",
                       help="the same, read from the -c INI (a probe on the site's machine)")
    parser.set_defaults(handler=run_probe, needs_settings=False)


def _health_token(args) -> str:
    if args.health_token_file:
        token = _token_from_file(args.health_token_file)
    elif args.health_token_from_config:
        token = load_settings(args.config).health_token
        if not token:
            raise CommandError(f"{args.config} sets no devjavu.health_token")
    else:
        return ""
    _refuse_plain_http(args.url)
    return token


def _token_from_file(path: Path) -> str:
    try:
        lines = path.read_text().splitlines()
        # Checked here, since a malformed header's error message would repeat it.
        return parse_health_token(lines[0].strip() if lines else "")
    except (OSError, UnicodeDecodeError) as e:
        raise CommandError(f"cannot read the health token: {e}") from None
    except ValueError as e:
        raise CommandError(f"{path}: the health token is malformed: {e}") from None


def _refuse_plain_http(url: str) -> None:
    """The token is a secret: over plain http only to this machine."""
    parts = urlsplit(url)
    if parts.scheme == "https":
        return
    try:
        loopback = ipaddress.ip_address(parts.hostname or "").is_loopback
    except ValueError:
        loopback = parts.hostname == "localhost"
    if not loopback:
        raise CommandError("send the health token over https only (or to this machine)")


def run_probe(settings, args) -> int:
    if args.failures < 1:
        raise CommandError("--failures must be at least 1")
    outcome = probe(ProbeConfig(url=args.url, project=args.project,
                                failures_needed=args.failures, state_file=args.state,
                                alert_command=args.alert_command, webhook=args.webhook,
                                reference=args.reference, timeout=args.timeout,
                                verify_tls=not args.insecure,
                                health_token=_health_token(args)))
    print(outcome.message + (f" (alert: {outcome.alert})" if outcome.alert else ""))
    return outcome.code
