from pyramid.view import view_config

from devjavu.monitor.checks import health_report, run_checks


@view_config(route_name="health", renderer="json", http_cache=0)
def health(request):
    report = health_report(run_checks(request.registry["devjavu.site"]))
    if report["status"] != "ok":
        request.response.status = 503
    return report
