"""Building Dispatchers changes none of Trac's process-wide state; install() changes
each part it names, once. In a fresh process: this one's Trac was adjusted by others."""
import json
import os
import subprocess
import sys

from devjavu.settings import SOURCE_ROOT

CHILD = """
import json, sys
import trac.config, trac.db.pool, trac.web.chrome
from devjavu import tracruntime
from devjavu.dispatch.app import Dispatcher
from devjavu.settings import load_settings
from devjavu.site import Site
from devjavu.tracplugin import access

def state():
    return {"pool": trac.db.pool._backend._maxsize,
            "jinja2env": hasattr(trac.web.chrome.jinja2env, "devjavu_original"),
            "config_guard": getattr(trac.config.UnicodeConfigParser.set,
                                    "devjavu_guarded", False),
            "lookup": access._lookup is not None}

site = Site(load_settings(sys.argv[1]))
before = state()
for _ in range(2):
    Dispatcher(site, dashboard=lambda environ, start_response: [])
built = state()
tracruntime.install(site)
installed = state()
original = trac.web.chrome.jinja2env.devjavu_original
tracruntime.install(site)
again = {**state(), "wrapped_once": trac.web.chrome.jinja2env.devjavu_original is original}
print(json.dumps({"before": before, "built": built, "installed": installed,
                  "again": again}))
"""


def test_dispatchers_change_nothing_until_install(site):
    result = subprocess.run([sys.executable, "-c", CHILD, str(site.settings.ini_path)],
                            capture_output=True, text=True, timeout=120, cwd=SOURCE_ROOT,
                            env={**os.environ, "PYTHONPATH": ""})
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["built"] == report["before"]
    assert report["before"]["pool"] == 10          # Trac's own default
    assert not any(report["before"][part] for part in ("jinja2env", "config_guard",
                                                        "lookup"))
    settings = site.settings
    assert report["installed"] == {
        "pool": settings.trac_env_cache_size + settings.wsgi_threads,
        "jinja2env": True, "config_guard": True, "lookup": True}
    assert report["again"] == {**report["installed"], "wrapped_once": True}
