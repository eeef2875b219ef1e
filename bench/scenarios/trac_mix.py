"""Target 1: the Trac page mix through our dispatcher against Trac's own trac.wsgi and
Trac as CGI, on the same environment, 8 connections."""
from bench.baselines import BARE_TRAC_DISPLAY_NAME
from bench.fixtures.accounts import PASSWORD
from bench.load.http import check_pages
from bench.load.wrk import MIN_REQUESTS, Request, latency_summary, run_wrk
from bench.oursite import OUR_DISPLAY_NAME, our_apache, sign_in
from bench.results import Figure, ScenarioResult, ratio_at_least
from bench.rounds import interleaved
from bench.scenarios import Context
from bench.servers import running

TITLE = "1. Trac page mix, one project, 8 connections"
CONNECTIONS = 8
# Trac as CGI serves about one page a second here: enough pages, in three rounds, for a
# ratio whose target is 15x, without a minute per round.
CGI_MIN_REQUESTS = 8
CGI_ROUNDS = 3
# WikiStart, timeline, a ticket, a report, the source browser; each with what shows it is
# the real page.
PAGES = {
    "/wiki/WikiStart": "Welcome to Trac",
    "/timeline": "Explain the benchmark",
    "/ticket/1": "Benchmark ticket 1",
    "/report/1": "Active Tickets",
    "/browser/trunk": "README",
}


def page_requests(prefix: str, headers=()) -> list[Request]:
    return [Request(prefix + path, headers=tuple(headers)) for path in PAGES]


def check_mix(base_url: str, prefix: str, headers=()) -> None:
    check_pages(base_url, {prefix + path: marker for path, marker in PAGES.items()}, headers)


def run(context: Context) -> ScenarioResult:
    main, plan, log = context.main, context.plan, context.log
    project = main.mix_project
    env_copy = context.baselines.environment_copy(project)
    ours = our_apache("ours", main.site, context.workspace)
    bare = context.baselines.trac_wsgi("bare-trac-wsgi", "TRAC_ENV", env_copy)
    cgi = context.baselines.trac_cgi("bare-trac-cgi", env_copy)
    result = ScenarioResult(TITLE)
    with running(ours, bare, cgi):
        prefix = f"/{project}"
        member = main.active_users[0]          # owner of the mix project
        cookie = sign_in(ours.url, member, PASSWORD)
        check_mix(ours.url, prefix)
        check_mix(ours.url, prefix, [("Cookie", cookie)])
        check_mix(bare.url, "")
        check_mix(cgi.url, "")

        def load(server, prefix, seconds, headers=(), min_requests=MIN_REQUESTS):
            return lambda: run_wrk(server.url, page_requests(prefix, headers), seconds,
                                   CONNECTIONS, min_requests=min_requests)

        contenders = {
            "ours": load(ours, prefix, plan.page_seconds),
            "ours-signed-in": load(ours, prefix, plan.page_seconds, [("Cookie", cookie)]),
            "bare-wsgi": load(bare, "", plan.page_seconds),
            "cgi": load(cgi, "", plan.cgi_seconds, min_requests=CGI_MIN_REQUESTS),
        }
        log("trac mix: warming up")
        run_wrk(ours.url, page_requests(prefix), 2, CONNECTIONS)
        run_wrk(bare.url, page_requests(""), 2, CONNECTIONS)
        runs = interleaved(plan.rounds, contenders, log,
                           first_rounds_only={"cgi": min(plan.rounds, CGI_ROUNDS)})
        profiles = profile_both(context, "Trac page mix", ours, page_requests(prefix), bare,
                                page_requests(""))
        result.notes += [p.summary() for p in profiles if p is not None]
    ours_rps = [r.per_second for r in runs["ours"]]
    result.figures += [
        Figure(TITLE, "throughput vs bare Trac under mod_wsgi", "req/s", ours_rps,
               [r.per_second for r in runs["bare-wsgi"]], "Trac 1.6 trac.wsgi, same mod_wsgi "
               "settings", ratio_at_least(1.5)),
        Figure(TITLE, "throughput vs Trac as CGI", "req/s", ours_rps,
               [r.per_second for r in runs["cgi"]], "Trac 1.6 CGI (mod_cgid)",
               ratio_at_least(15)),
        Figure(TITLE, "signed in as the project owner (session cookie) vs bare, anonymous",
               "req/s",
               [r.per_second for r in runs["ours-signed-in"]],
               [r.per_second for r in runs["bare-wsgi"]], "Trac 1.6 trac.wsgi"),
    ]
    for figure in result.figures[:2]:
        if figure.met() is False:
            figure.limits = throughput_limits(*profiles)
    result.notes.append(latency_summary(runs))
    return result


def profile_both(context: Context, label: str, ours, ours_requests, bare, bare_requests):
    """(ours, bare) profiles under the same load, or (None, None) without a profiler."""
    if context.profiler is None:
        return None, None
    return tuple(
        context.profiler.profile(f"{name}, {label}", server, process,
                                 lambda seconds, s=server, r=requests: run_wrk(
                                     s.url, r, seconds, CONNECTIONS))
        for name, server, process, requests in (
            ("ours", ours, OUR_DISPLAY_NAME, ours_requests),
            ("bare", bare, BARE_TRAC_DISPLAY_NAME, bare_requests)))


def throughput_limits(ours_profile, bare_profile) -> str:
    """Why our throughput is what it is, from the profiles of both daemons."""
    if ours_profile is None:
        return "no profile (run without --no-profile)"
    text = f"in our daemon, {ours_profile.our_code(3)}; the rest is Trac rendering the pages"
    if bare_profile is not None and bare_profile.total:
        collect = bare_profile.self_share("dispatch_request (trac/web/main.py")
        text += (f"; bare Trac spends {100 * collect:.0f}% of its GIL time in "
                 f"dispatch_request itself, that is in its gc.collect() after every request")
    return text

