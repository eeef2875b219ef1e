"""check: the health checks of /_health, from the command line (exit 1 on failure);
with --repair, first finish what a killed process left half-done."""
from devjavu.cli.context import open_site
from devjavu.monitor.checks import run_checks
from devjavu.projects import journal


def register(commands) -> None:
    parser = commands.add_parser("check", help="run the health checks")
    parser.add_argument("--repair", action="store_true",
                        help="first remove what project creations killed half-way left")
    parser.set_defaults(handler=check)


def check(settings, args) -> int:
    site = open_site(settings)
    if args.repair:
        with site.reading() as db:
            for name in journal.settle(db, settings):
                print(f"removed the half-made project {name}")
    results = run_checks(site)
    for result in results:
        print(f"{'ok  ' if result.ok else 'FAIL'} {result.name}: {result.detail}")
    return 0 if all(r.ok for r in results) else 1
