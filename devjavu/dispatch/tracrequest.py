"""Running one request through a project's Trac, on an environment we keep open.

This is what `trac.web.main.dispatch_request` does once it has an environment, minus
two things: it does not open environments through Trac's never-evicting cache, and it
does not run a full `gc.collect()` after every request (half the time of a page with
one environment open, far more with many). Garbage is left to Python's generational
collector, which `DevjaVu`'s dispatcher tunes once at start.
"""
import sys

from trac.util.concurrency import get_thread_id
from trac.util.translation import deactivate, make_activable
from trac.web.api import HTTPException, RequestDone
from trac.web.main import (RequestDispatcher, RequestWithSession, _send_user_error,
                           send_internal_error)


def serve_trac(env, environ, start_response) -> list[bytes]:
    """Answer `environ` with `env`; SCRIPT_NAME and PATH_INFO are already the project's."""
    req = RequestWithSession(environ, start_response)
    make_activable(lambda: req.locale, env.path)
    response = []
    try:
        dispatcher = RequestDispatcher(env)
        dispatcher.set_default_callbacks(req)
        try:
            dispatcher.dispatch(req)
        except RequestDone as done:
            response = done.iterable
    except HTTPException as e:
        _send_user_error(req, env, e)
    except Exception:  # Trac's own last resort: a logged 500 page, as Trac renders it
        send_internal_error(env, req, sys.exc_info())
    else:
        response = response or req._response or []
    finally:
        deactivate()
        env.shutdown(get_thread_id())
    return response
