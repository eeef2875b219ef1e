"""/_health: the overall status for anyone; each check's details (paths, project names,
error texts) for site admins, the loopback address and holders of the health token."""
import hmac
import ipaddress

from pyramid.view import view_config

from devjavu.monitor import HEALTH_TOKEN_HEADER
from devjavu.monitor.checks import RecentChecks, health_report, status_only


def _from_loopback(request) -> bool:
    """The connection's own address (REMOTE_ADDR), never X-Forwarded-For, which is
    whatever the client chose to write."""
    try:
        address = ipaddress.ip_address(request.remote_addr or "")
    except ValueError:
        return False
    return (getattr(address, "ipv4_mapped", None) or address).is_loopback


def _carries_health_token(request, expected: str) -> bool:
    if not expected:
        return False
    given = request.headers.get(HEALTH_TOKEN_HEADER, "")
    # In constant time, so that the answer's timing tells nothing of the token.
    return hmac.compare_digest(given.encode(), expected.encode())


def shows_details(request) -> bool:
    user = request.user
    return ((user is not None and user.is_admin) or _from_loopback(request)
            or _carries_health_token(request,
                                     request.registry["devjavu.site"].settings.health_token))


def includeme(config):
    settings = config.registry["devjavu.site"].settings
    config.registry["devjavu.recent_checks"] = RecentChecks(settings.health_cache_seconds)


@view_config(route_name="health", renderer="json", http_cache=0)
def health(request):
    recent = request.registry["devjavu.recent_checks"]
    report = health_report(recent.results(request.registry["devjavu.site"]))
    if report["status"] != "ok":
        request.response.status = 503
    return report if shows_details(request) else status_only(report)
