"""check: the health checks of /_health, from the command line (exit 1 on failure)."""
from devjavu.cli.context import open_site
from devjavu.monitor.checks import run_checks


def register(commands) -> None:
    commands.add_parser("check", help="run the health checks").set_defaults(handler=check)


def check(settings, args) -> int:
    site = open_site(settings)
    results = run_checks(site)
    for result in results:
        print(f"{'ok  ' if result.ok else 'FAIL'} {result.name}: {result.detail}")
    return 0 if all(r.ok for r in results) else 1
