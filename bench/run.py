"""`python -m bench.run [--quick] [--only 1,3 [--merge]] [--output BENCHMARKS.md]`: the whole
benchmark, from fixtures to BENCHMARKS.md. Run as root (Apache switches to www-data)."""
import argparse
import datetime
import importlib
import os
import shutil
import signal
import sys
import time
import traceback
import warnings
from pathlib import Path

from bench import plan as plans
from bench.baselines import Baselines
from bench.fixtures.mainsite import build_main_site
from bench.machine import load_average, machine_line, other_apaches
from bench.profiling import Profiler
from bench.report import RunInfo, merge, render
from bench.results import ScenarioResult
from bench.scenarios import Context
from bench.workspace import Workspace
from devjavu.settings import SOURCE_ROOT

SCENARIOS = ["trac_mix", "many_projects", "svn_access", "project_scale", "authz_scale",
             "static_files", "dashboard", "peak_hour", "large_import"]


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def parse_arguments(argv):
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__)
    parser.add_argument("--quick", action="store_true",
                        help="fewer rounds and smaller fixtures: a smoke run of a few minutes")
    parser.add_argument("--only", default="",
                        help="comma-separated scenario numbers (1-9); default: all")
    parser.add_argument("--output", default=str(SOURCE_ROOT / "BENCHMARKS.md"))
    parser.add_argument("--merge", action="store_true",
                        help="with --only: put the scenarios' sections into the existing "
                        "output, the others kept as they were measured")
    parser.add_argument("--no-profile", action="store_true",
                        help="skip the py-spy profiles behind 'what limits it'")
    parser.add_argument("--keep", action="store_true",
                        help="keep the temporary directory (its path is printed)")
    return parser.parse_args(argv)


def selected(only: str) -> list[str]:
    if not only:
        return SCENARIOS
    return [SCENARIOS[int(n) - 1] for n in only.split(",")]


def check_prerequisites() -> None:
    if os.geteuid() != 0:
        sys.exit("bench: run as root: Apache must switch to the run user (www-data)")
    if shutil.which("wrk") is None:
        sys.exit("bench: wrk is missing; `make bench` installs it")


def run_scenarios(names: list[str], context: Context) -> list[ScenarioResult]:
    results = []
    for name in names:
        module = importlib.import_module(f"bench.scenarios.{name}")
        log(f"scenario {module.TITLE}")
        started = time.monotonic()
        try:
            result = module.run(context)
        except Exception:  # one broken scenario must not cost the others their figures
            result = ScenarioResult(module.TITLE, error=traceback.format_exc())
            log(result.error)
        log(f"scenario done in {time.monotonic() - started:.0f} s")
        results.append(result)
    return results


def main(argv=None) -> int:
    warnings.simplefilter("ignore")   # pkg_resources' deprecation, on every Trac import
    # A service manager's SIGTERM stops the servers and removes the fixtures, as Ctrl-C does.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    args = parse_arguments(argv)
    check_prerequisites()
    plan = plans.QUICK if args.quick else plans.FULL
    command = "make bench" if os.environ.get("MAKELEVEL") else \
        "python -m bench.run " + " ".join(argv if argv is not None else sys.argv[1:])
    noise = f"load average {load_average()} at the start"
    others = other_apaches()
    if others:
        noise += f", with {others} Apache processes of something else already running"
    started_at = datetime.datetime.now().astimezone()
    started = time.monotonic()
    workspace = Workspace(keep=args.keep)
    log(f"workspace {workspace.root}")
    try:
        main_site = build_main_site(workspace, plan, log)
        baselines = Baselines.prepare(workspace, main_site.settings)
        profiler = None if args.no_profile else Profiler.install(
            workspace.root / "tools-venv", workspace.directory("profiles"))
        context = Context(plan, workspace, main_site, baselines, profiler, log)
        results = run_scenarios(selected(args.only), context)
        info = RunInfo(command=command.strip(),
                       started=started_at.strftime("%Y-%m-%d %H:%M %Z"),
                       minutes=(time.monotonic() - started) / 60, plan_name=plan.name,
                       rounds=plan.rounds, machine=machine_line(),
                       fixtures=main_site.timings, fixture_remarks=main_site.remarks,
                       noise=f"{noise}, {load_average()} at the end")
        output = Path(args.output)
        if args.merge and output.exists():
            output.write_text(merge(output.read_text(), info, results))
        else:
            output.write_text(render(info, results))
        log(f"wrote {args.output}")
    finally:
        log("removing the temporary directory" if not args.keep else
            f"kept {workspace.root}")
        workspace.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
