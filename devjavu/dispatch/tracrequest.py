"""Running one request through a project's Trac, on an environment we keep open.

This is what `trac.web.main.dispatch_request` does once it has an environment, minus
two things: it does not open environments through Trac's never-evicting cache, and it
does not run a full `gc.collect()` after every request (half the time of a page with
one environment open, far more with many). Garbage is left to Python's generational
collector.
"""
import sys

from trac.util.concurrency import get_thread_id
from trac.util.translation import deactivate, make_activable
from trac.web.api import HTTPException, RequestDone
from trac.web.main import (RequestDispatcher, RequestWithSession, _send_user_error,
                           send_internal_error)

from devjavu.dispatch.rawcontent import is_raw_content, with_content_headers


class _Answer:
    """What Trac wrote through `write()`, then any iterable it returned; closing it
    closes that iterable (a file being sent)."""

    def __init__(self, written: list[bytes], rest):
        self._written = written
        self._rest = rest

    def __iter__(self):
        yield from self._written
        yield from self._rest

    def close(self):
        close = getattr(self._rest, "close", None)
        if close is not None:
            close()


def serve_trac(env, environ, start_response):
    """Answer `environ` with `env`; SCRIPT_NAME and PATH_INFO are already the project's.

    Trac writes its pages through WSGI's `write()`; here that only keeps the bytes, which
    go to the client once this returns, so that rendering never waits on a slow client.
    """
    written: list[bytes] = []
    raw_request = is_raw_content(environ.get("PATH_INFO", ""),
                                 environ.get("QUERY_STRING", ""))

    def keep_writes(status, headers, exc_info=None):
        start_response(status, with_content_headers(headers, raw_request), exc_info)
        return written.append

    req = RequestWithSession(environ, keep_writes)
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
    return _Answer(written, response) if written else response
