"""Target 2: the page mix spread over many projects, all open in one daemon process,
against bare Trac serving copies of the same environments (TRAC_ENV_PARENT_DIR) from one
process."""
import dataclasses
import statistics

from bench.baselines import BARE_TRAC_DISPLAY_NAME
from bench.load.http import Connection, check_pages, fetch_all
from bench.load.wrk import Request, latency_summary, run_wrk
from bench.oursite import OUR_DISPLAY_NAME, make_site, our_apache
from bench.results import Figure, ScenarioResult, ratio_at_least
from bench.rounds import interleaved
from bench.scenarios import Context
from bench.scenarios.trac_mix import CONNECTIONS, PAGES, profile_both, throughput_limits
from bench.servers import cpu_seconds, resident_mb, running

TITLE = "2. Trac page mix spread over many projects, one daemon process"


def spread_paths(projects: list[str]) -> list[str]:
    """Every page of every project, consecutive requests on different projects."""
    return [f"/{project}{page}" for page in PAGES for project in projects]


def visit_all(base_url: str, paths: list[str]) -> list[float]:
    """One request per path, in order, on one connection: the seconds of each."""
    connection = Connection(base_url)
    try:
        times = []
        for path in paths:
            answer = connection.get(path)
            if answer.status != 200:
                raise AssertionError(f"{base_url}{path}: {answer.status}")
            times.append(answer.seconds)
        return times
    finally:
        connection.close()


def with_daemon_cpu(server, display_name: str, measure):
    """measure()'s result, and the CPU milliseconds the server's daemon processes used
    per request meanwhile: a daemon that uses less CPU per request than its wall time
    per request allows was waiting, not working."""
    pids = server.processes_named(display_name)
    before = sum(cpu_seconds(pid) for pid in pids)
    result = measure()
    used = sum(cpu_seconds(pid) for pid in pids) - before
    return dataclasses.replace(result, cpu_ms_per_request=used * 1000 / max(result.requests, 1),
                               busy=used / result.seconds if result.seconds else 0.0)


def run(context: Context) -> ScenarioResult:
    main, plan, log = context.main, context.plan, context.log
    projects = main.content_projects
    for project in projects:
        context.baselines.environment_copy(project)
    # Production's cache size (production.ini: 200) holds every project of the mix; with
    # development.ini's 50, 100 projects would evict one another on every request.
    cache_size = max(200, 2 * len(projects))
    site = make_site(context.workspace, database_url=main.site.database_url, **{
        "devjavu.data_dir": str(main.settings.data_dir), "devjavu.wsgi_processes": "1",
        "devjavu.trac_env_cache_size": str(cache_size)})
    ours = our_apache("ours-one-process", site, context.workspace)
    bare = context.baselines.trac_wsgi("bare-trac-parent", "TRAC_ENV_PARENT_DIR",
                                       context.baselines.environments_dir, processes=1)
    result = ScenarioResult(TITLE)
    paths = spread_paths(projects)
    requests = [Request(path) for path in paths]
    with running(ours, bare):
        for server in (ours, bare):
            check_pages(server.url, {f"/{projects[-1]}{page}": marker
                                     for page, marker in PAGES.items()})
        log(f"many projects: first visits of {len(projects)} projects, then every page")
        first_pages = {}
        for name, server in (("ours", ours), ("bare", bare)):
            first_pages[name] = visit_all(server.url, [f"/{p}/" for p in projects])
            fetch_all(server.url, paths, CONNECTIONS)
        memory = {name: [resident_mb(pid) for pid in server.processes_named(process)]
                  for name, server, process in (("ours", ours, OUR_DISPLAY_NAME),
                                                ("bare", bare, BARE_TRAC_DISPLAY_NAME))}
        runs = interleaved(plan.rounds, {
            "ours": lambda: with_daemon_cpu(ours, OUR_DISPLAY_NAME, lambda: run_wrk(
                ours.url, requests, plan.page_seconds, CONNECTIONS)),
            "bare": lambda: with_daemon_cpu(bare, BARE_TRAC_DISPLAY_NAME, lambda: run_wrk(
                bare.url, requests, plan.page_seconds, CONNECTIONS)),
        }, log)
        profiles = profile_both(context, f"mix over {len(projects)} projects", ours, requests,
                                bare, requests)
        result.notes += [p.summary() for p in profiles if p is not None]
    result.figures.append(Figure(
        TITLE, f"throughput, {len(projects)} projects, 1 process x "
        f"{main.settings.wsgi_threads} threads, {CONNECTIONS} connections", "req/s",
        [r.per_second for r in runs["ours"]], [r.per_second for r in runs["bare"]],
        "Trac 1.6 trac.wsgi, TRAC_ENV_PARENT_DIR, same daemon settings", ratio_at_least(5)))
    if result.figures[0].met() is False:
        result.figures[0].limits = throughput_limits(*profiles)
    result.figures.append(Figure(
        TITLE, "first page of a project not open yet (median of the first visits)", "ms",
        [statistics.median(first_pages["ours"]) * 1000],
        [statistics.median(first_pages["bare"]) * 1000], "bare Trac, same process settings"))
    result.notes.append(
        f"Our daemon ran with trac_env_cache_size = {cache_size}. Resident memory after "
        f"every page of every project: ours {', '.join(f'{m:.0f}' for m in memory['ours'])}"
        f" MB, bare {', '.join(f'{m:.0f}' for m in memory['bare'])} MB.")
    result.notes.append(
        "CPU time of the daemon process per request (median over rounds): " + ", ".join(
            f"{name} {statistics.median(r.cpu_ms_per_request for r in rs):.1f} ms, busy "
            f"{statistics.median(100 * r.busy for r in rs):.0f}% of one CPU"
            for name, rs in runs.items()) + ".")
    result.notes.append(latency_summary(runs))
    return result
