"""The lesson of the logging leak: 20,000 requests across 200 projects, with Trac
environments evicted and reopened all the time, and the resident memory of each
mod_wsgi daemon process stays flat after warm-up; the logs stay within their bounds."""
import http.client
import threading
import time

import pytest

from tests.support.apache import RunningApache, admin
from tests.support.populate import create_projects
from tests.support.sitedir import SiteDir

pytestmark = pytest.mark.slow

PROJECTS = [f"soak{i:03d}" for i in range(200)]
TOTAL_REQUESTS = 20_000
WARM_UP = 5_000
CLIENTS = 8
CACHE_SIZE = 40
# Most requests go to a busy set that fits the cache; every 25th goes to the next of all
# 200 projects, which opens it and retires another: 800 opens and retirements in all,
# the path where a leak per environment would show.
BUSY = 30
COLD_EVERY = 25
# A real Trac page in one request of ten; the rest are Trac's own chrome requests,
# which run the whole request path (session, permissions, dispatch, logging) cheaply.
PATHS = ["/wiki/WikiStart"] + ["/chrome/common/trac.ico"] * 9


@pytest.fixture(scope="module")
def soak_site():
    sitedir = SiteDir(**{"devjavu.trac_env_cache_size": str(CACHE_SIZE),
                         "devjavu.log_max_mb": "1",
                         "devjavu.log_keep": "3", "devjavu.wsgi_threads": "4"})
    admin(sitedir, "migrate")
    admin(sitedir, "user", "add", "olga", "--email", "o@example.com",
          input="olga-password\n")
    create_projects(sitedir.ini_path, "olga", PROJECTS)
    apache = RunningApache(sitedir)
    yield sitedir, apache
    assert not apache.stop()
    sitedir.remove()


def _load(port: int, requests_iter, statuses: list, lock) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        for path in requests_iter:
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            with lock:
                statuses.append(response.status)
    finally:
        connection.close()


def _path(n: int) -> str:
    if n % COLD_EVERY == 0:
        project = PROJECTS[(n // COLD_EVERY) % len(PROJECTS)]
    else:
        project = PROJECTS[n % BUSY]
    return f"/{project}{PATHS[(n // BUSY) % len(PATHS)]}"


def _serve(sitedir, count: int, offset: int) -> list[int]:
    requests = (_path(n) for n in range(offset, offset + count))
    shared, lock, statuses = iter(requests), threading.Lock(), []

    def next_batch():
        while True:
            with lock:
                path = next(shared, None)
            if path is None:
                return
            yield path

    clients = [threading.Thread(target=_load, args=(sitedir.http_port, next_batch(),
                                                     statuses, lock))
               for _ in range(CLIENTS)]
    for client in clients:
        client.start()
    for client in clients:
        client.join()
    return statuses


def test_memory_stays_flat_and_logs_bounded(soak_site):
    sitedir, apache = soak_site
    started = time.monotonic()
    warm = _serve(sitedir, WARM_UP, 0)
    after_warm_up = apache.daemon_rss_kib()
    rest = _serve(sitedir, TOTAL_REQUESTS - WARM_UP, WARM_UP)
    at_end = apache.daemon_rss_kib()
    elapsed = time.monotonic() - started
    statuses = warm + rest
    assert len(statuses) == TOTAL_REQUESTS
    assert set(statuses) == {200}, ({s: statuses.count(s) for s in set(statuses)},
                                    apache.error_lines())
    assert len(after_warm_up) == 2 and set(after_warm_up) == set(at_end)
    for pid, before in after_warm_up.items():
        growth = (at_end[pid] - before) / before
        print(f"daemon {pid}: RSS {before / 1024:.1f} MB after {WARM_UP} requests, "
              f"{at_end[pid] / 1024:.1f} MB after {TOTAL_REQUESTS} ({growth:+.1%}); "
              f"{TOTAL_REQUESTS / elapsed:.0f} requests/s over {len(PROJECTS)} projects")
        assert growth < 0.10
    logs = sorted(p for p in (sitedir.log_dir).iterdir())
    access = [p for p in logs if p.name.startswith("access.log")]
    assert 1 < len(access) <= 3
    assert all(p.stat().st_size <= 1024 * 1024 + 4096 for p in logs)
