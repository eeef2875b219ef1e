"""Target 6: static files (Trac's chrome, the dashboard's assets) served by Apache alone,
against a plain Apache serving the same files: the static ceiling of this machine. A
third Apache, plain but logging the way ours does, tells the logging's share of any gap."""
import os
import statistics

from bench.load.http import check_pages
from bench.load.wrk import Request, latency_summary, run_wrk
from bench.oursite import OUR_DISPLAY_NAME, our_apache
from bench.results import Figure, ScenarioResult, ratio_at_least, value_at_least
from bench.rounds import interleaved
from bench.scenarios import Context
from bench.servers import cpu_seconds, running
from devjavu.apacheconf.render import server_root

TITLE = "6. Static files"
CONNECTIONS = 8
FILES = {
    "Trac's chrome (/chrome/common/css/trac.css)": ("/chrome/common/css/trac.css", "body"),
    "the dashboard's assets (/static/dashboard.css)": ("/static/dashboard.css", "{"),
}
LOGGING_PROBE = "/chrome/common/css/trac.css"
# "Near the ceiling": within 10% of a plain Apache serving the same file in the same round.
NEAR_CEILING = 0.9


def _config_lines(path) -> list[str]:
    return [line.strip() for line in path.read_text().splitlines()
            if line.strip() and not line.strip().startswith("#")]


def config_differences(ours_conf, plain_conf) -> str:
    """What our rendered httpd.conf loads that the plain one does not."""
    plain = _config_lines(plain_conf)
    modules = sorted(line.split()[1].removesuffix("_module") for line in _config_lines(ours_conf)
                     if line.startswith("LoadModule") and line not in plain)
    return f"{len(modules)} more modules ({', '.join(modules)})"


def static_limits(figure: Figure, logging_share: float | None, differences: str) -> str:
    ceiling = statistics.median(figure.baseline)
    if (figure.ratio or 0) >= NEAR_CEILING:
        return (f"the machine: a plain Apache serving the same file in the same rounds "
                f"reached {ceiling:,.0f} req/s, with wrk on the same {os.cpu_count()} CPUs")
    text = (f"our Apache serves {100 * (1 - figure.ratio):.0f}% fewer requests than a plain "
            f"one ({ceiling:,.0f} req/s) with the same file")
    if logging_share is not None:
        text += (f"; a plain Apache that logs as ours does (ErrorLog and CustomLog lines of "
                 f"our httpd.conf: piped loggers) reaches {100 * logging_share:.0f}% of the "
                 f"plain rate, so the logging accounts for "
                 f"{100 * (1 - logging_share):.0f} of those points")
    return text + f"; ours also loads {differences} (apache/httpd.conf.in)"


def run(context: Context) -> ScenarioResult:
    plan, log = context.plan, context.log
    ours = our_apache("ours", context.main.site, context.workspace)
    plain = context.baselines.static_files("plain-static")
    result = ScenarioResult(TITLE)
    with running(ours, plain):
        ours_conf = server_root(context.main.settings) / "httpd.conf"
        logged = context.baselines.static_files("plain-static-our-logging",
                                                logging_like=ours_conf)
        with running(logged):
            for server in (ours, plain, logged):
                check_pages(server.url, {path: marker for path, marker in FILES.values()})
            daemons = ours.processes_named(OUR_DISPLAY_NAME)
            cpu_before = sum(cpu_seconds(pid) for pid in daemons)
            contenders = {}
            for path, _ in FILES.values():
                for name, server in (("ours", ours), ("plain", plain)):
                    contenders[f"{name} {path}"] = (
                        lambda url=server.url, path=path: run_wrk(
                            url, [Request(path)], plan.static_seconds, CONNECTIONS))
            contenders[f"plain with our logging {LOGGING_PROBE}"] = lambda: run_wrk(
                logged.url, [Request(LOGGING_PROBE)], plan.static_seconds, CONNECTIONS)
            runs = interleaved(plan.rounds, contenders, log)
            python_cpu = sum(cpu_seconds(pid) for pid in daemons) - cpu_before
            differences = config_differences(ours_conf, plain.conf)
    logging_share = statistics.median(
        w.per_second / p.per_second for w, p in
        zip(runs[f"plain with our logging {LOGGING_PROBE}"], runs[f"plain {LOGGING_PROBE}"]))
    for label, (path, _) in FILES.items():
        figure = Figure(
            TITLE, f"{label}, {CONNECTIONS} connections", "req/s",
            [r.per_second for r in runs[f"ours {path}"]],
            [r.per_second for r in runs[f"plain {path}"]], "plain Apache, same file",
            value_at_least(10_000, "req/s") & ratio_at_least(NEAR_CEILING))
        if figure.met() is False:
            figure.limits = static_limits(figure, logging_share, differences)
        result.figures.append(figure)
    ours_requests = sum(r.requests for name, rs in runs.items() if name.startswith("ours")
                        for r in rs)
    result.notes.append(
        f"Our mod_wsgi daemon processes used {python_cpu:.2f} s of CPU during all the "
        f"static loads ({ours_requests:,} requests): no Python on that path. A plain "
        f"Apache logging as ours does served {100 * logging_share:.0f}% of the plain rate "
        f"for {LOGGING_PROBE}.")
    result.notes.append(latency_summary(runs))
    return result
