"""Target 4: many projects on one node. Every project is visited once (its first page,
in a warm process), then some again; the daemons' resident memory is read at 10, 100
and all projects visited, and after the revisits, against a bound set by the cache size."""
import statistics
import time

from bench.load.http import Connection
from bench.load.wrk import Request, run_wrk
from bench.oursite import OUR_DISPLAY_NAME, our_apache
from bench.results import Figure, ScenarioResult, value_at_most
from bench.scenarios import Context
from bench.scenarios.trac_mix import PAGES
from bench.servers import open_files, resident_mb, running

TITLE = "4. Scale in projects: memory and the first page of a project"
FIRST_PAGE_BOUND_MS = 150
# What one open environment may cost a daemon process, on top of the warm process: NOTES
# measured 0.4 MB per small environment in bare Trac; a visited one holds a little more.
MB_PER_CACHED_ENVIRONMENT = 1.0
# Allocator noise: growth below this after the cache is full is not growth.
GROWTH_TOLERANCE_MB = 5.0
BLOCK = 100


def snapshot(server) -> dict[int, tuple[float, int]]:
    return {pid: (resident_mb(pid), open_files(pid))
            for pid in server.processes_named(OUR_DISPLAY_NAME)}


def visit_for(base_url: str, projects: list[str], seconds: float) -> None:
    """First pages of `projects` in turn, for `seconds`."""
    connection = Connection(base_url)
    deadline = time.monotonic() + seconds
    try:
        for number in range(10 * len(projects)):
            if time.monotonic() > deadline:
                break
            connection.get(f"/{projects[number % len(projects)]}/")
    finally:
        connection.close()


def first_page_limits(profile) -> str:
    """What a first page spends its time on, from the profile of first visits."""
    if profile is None or not profile.total:
        return "no profile (run without --no-profile to see it)"
    shares = {
        "opening the environment (trac.env.Environment.__init__: config, components, "
        "database)": profile.share("Environment.__init__ (trac/env.py"),
        "compiling Jinja2 templates (each environment has its own template loader)":
            profile.share("Environment.compile (jinja2/environment.py"),
        "shutting down evicted environments": profile.share("Environment.shutdown ("),
        "our dispatcher's own work (identity, project and role lookups)":
            profile.share("_project_request (devjavu/dispatch/app.py",
                          excluding=("serve_trac", "EnvironmentCache")),
    }
    return "; ".join(f"{what} {100 * share:.0f}%" for what, share in shares.items()) + \
        " of the GIL time of first pages (py-spy, below)"


def memory_limits(snapshots: dict, capacity: int) -> str:
    """Measured facts for a missed memory figure: how RSS moved past the cache size."""
    rows = list(snapshots.items())
    moves = []
    for pid in rows[0][1]:
        trail = ", ".join(f"{shot[pid][0]:.0f}" for _, shot in rows if pid in shot)
        moves.append(f"process {pid}: {trail} MB")
    return (f"RSS at each checkpoint of the table ({'; '.join(moves)}): memory keeps rising "
            f"after more than {capacity} projects (the cache size) were visited")


def run(context: Context) -> ScenarioResult:
    main, plan, log = context.main, context.plan, context.log
    capacity = main.settings.trac_env_cache_size
    projects = [p for p in main.projects if p != main.mix_project]
    checkpoints = sorted({10, 100, len(projects)})
    ours = our_apache("ours", main.site, context.workspace)
    result = ScenarioResult(TITLE)
    with running(ours):
        # Warm: every daemon process has imported everything and served the mix project.
        run_wrk(ours.url, [Request(f"/{main.mix_project}{page}") for page in PAGES], 3, 8)
        snapshots = {"warm (1 project open)": snapshot(ours)}
        first_pages = []
        connection = Connection(ours.url)
        try:
            log(f"project scale: visiting {len(projects)} projects")
            for number, project in enumerate(projects, start=1):
                answer = connection.get(f"/{project}/")
                if answer.status != 200 or "Welcome to Trac" not in answer.body:
                    raise AssertionError(f"/{project}/: {answer.status}")
                first_pages.append(answer.seconds * 1000)
                if number in checkpoints:
                    snapshots[f"{number} projects visited"] = snapshot(ours)
            for number in range(plan.revisits):
                connection.get(f"/{projects[number % len(projects)]}/")
            snapshots[f"then {plan.revisits} more visits"] = snapshot(ours)
        finally:
            connection.close()
        profile = None
        if context.profiler is not None:
            profile = context.profiler.profile(
                "ours, first pages of projects not open", ours, OUR_DISPLAY_NAME,
                lambda seconds: visit_for(ours.url, projects[plan.revisits:], seconds))
            result.notes.append(profile.summary())
    pids = sorted(snapshots["warm (1 project open)"])
    result.tables.append((
        f"Resident memory (MB) and open files of each daemon process "
        f"(trac_env_cache_size = {capacity}, {main.settings.wsgi_processes} processes):",
        ["when", *[f"process {i + 1}: RSS MB / open files" for i in range(len(pids))]],
        [[when, *[f"{shot[pid][0]:.0f} / {shot[pid][1]}" if pid in shot else "gone"
                  for pid in pids]] for when, shot in snapshots.items()]))

    blocks = [first_pages[i:i + BLOCK] for i in range(0, len(first_pages), BLOCK)]
    p90s = [statistics.quantiles(b, n=10)[-1] for b in blocks if len(b) >= 10]
    p50s = [statistics.median(b) for b in blocks]
    warm = max(rss for rss, _ in snapshots["warm (1 project open)"].values())
    bound = warm + capacity * MB_PER_CACHED_ENVIRONMENT
    full = snapshots[f"{len(projects)} projects visited"]
    after = snapshots[f"then {plan.revisits} more visits"]
    growth = [after[pid][0] - full[pid][0] for pid in full if pid in after]
    result.figures += [
        Figure(TITLE, f"first page of a project not open yet, warm process: p90 of each "
               f"{BLOCK} visits", "ms", p90s, target=value_at_most(FIRST_PAGE_BOUND_MS, "ms")),
        Figure(TITLE, f"the same, median of each {BLOCK} visits", "ms", p50s,
               target=value_at_most(FIRST_PAGE_BOUND_MS, "ms")),
        Figure(TITLE, f"resident memory of each daemon process after {len(projects)} "
               f"projects", "MB", [rss for rss, _ in full.values()],
               target=value_at_most(round(bound), "MB")),
        Figure(TITLE, f"growth of each process over {plan.revisits} more visits (cache full)",
               "MB", growth, target=value_at_most(GROWTH_TOLERANCE_MB, "MB")),
    ]
    if result.figures[0].met() is False or result.figures[1].met() is False:
        result.figures[0].limits = first_page_limits(profile)
    for figure in result.figures[2:]:
        if figure.met() is False:
            figure.limits = memory_limits(snapshots, capacity)
    result.notes.append(
        f"Memory bound = warmest process after the warm-up ({warm:.0f} MB) + "
        f"{MB_PER_CACHED_ENVIRONMENT:g} MB x trac_env_cache_size ({capacity}) = "
        f"{bound:.0f} MB. First pages: {len(first_pages)} projects, overall p50 "
        f"{statistics.median(first_pages):.0f} ms, max {max(first_pages):.0f} ms.")
    return result
