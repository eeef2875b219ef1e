"""What every dashboard answer gets, whatever view made it: a strict Content Security
Policy, and a refusal of request bodies larger than any of its forms needs (an archive of
Trac data uploaded to a project's page may be as large as Apache takes: Trac's largest
attachment and a margin).

Apache adds the headers every answer of the site shares (nosniff, no framing,
Referrer-Policy); it keeps a CSP that an answer already carries, so this one stands.
"""
import re

from pyramid.httpexceptions import HTTPRequestEntityTooLarge

from devjavu.apacheconf.render import request_body_limit
from devjavu.dashboard.routes import TRAC_IMPORT_PATH

# Every script, style and image of the dashboard is a file under /static: no inline code
# runs, so text a user slipped into a page past the templates' escaping could not either.
CONTENT_SECURITY_POLICY = ("default-src 'self'; object-src 'none'; base-uri 'self'; "
                           "form-action 'self'; frame-ancestors 'none'")

# The largest form (a project description, an invitation) is a few kilobytes; Apache
# lets bodies up to Trac's attachment limit through, and this one refuses them unread.
MAX_REQUEST_BODY = 2**20
# Pages that take an uploaded dump of any size: read as it arrives, against the disk
# reserve (devjavu/dashboard/uploads.py); apache/httpd.conf.in lets them through too.
DUMP_UPLOAD_PATHS = re.compile(r"/dashboard/(new|[a-z][a-z0-9-]{1,39}/import)/dump")
_TRAC_IMPORT_PATHS = re.compile(re.escape(TRAC_IMPORT_PATH).replace(
    re.escape("{project}"), "[^/]+") + r"\Z")


def security_headers_tween_factory(handler, registry):
    def security_headers_tween(request):
        response = handler(request)
        response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
        return response
    return security_headers_tween


def request_body_limit_tween_factory(handler, registry):
    upload_limit = request_body_limit(registry["devjavu.site"].settings.shared_trac_ini)

    def request_body_limit_tween(request):
        # A declared length is checked before anything reads the body; mod_wsgi refuses
        # bodies of no declared length (chunked) before they get here.
        path = request.path_info
        if DUMP_UPLOAD_PATHS.fullmatch(path):
            return handler(request)
        limit = upload_limit if _TRAC_IMPORT_PATHS.match(path) else MAX_REQUEST_BODY
        if (request.content_length or 0) > limit:
            return HTTPRequestEntityTooLarge(
                f"A request to this page may carry at most {limit // 2**20} MB.")
        return handler(request)
    return request_body_limit_tween


def includeme(config):
    # The limit sits outside the transaction and every view: a refused body opens no
    # database session and reaches no form parser.
    config.add_tween("devjavu.dashboard.tweens.request_body_limit_tween_factory",
                     over="pyramid_tm.tm_tween_factory")
    config.add_tween("devjavu.dashboard.tweens.security_headers_tween_factory",
                     over="devjavu.dashboard.tweens.request_body_limit_tween_factory")
