"""Trac's runtime in the mod_wsgi daemon, adjusted to serve many environments from one
process. Building a Dispatcher changes nothing outside it; `install(site)`, called once
by the daemon (devjavu/wsgi.py) before it serves, is the one place that changes Trac's
process-wide state. The Trac internals it touches:

- `trac.db.pool._backend._maxsize`: Trac's one pool of database connections per process,
  grown to one idle connection per open environment plus one per thread (tracpool.py);
- `trac.web.chrome.jinja2env`: wrapped so that every environment's Jinja2 compiles
  through one shared bytecode cache (templatecache.py);
- `trac.config.UnicodeConfigParser.set`: refuses values with line breaks or control
  characters (devjavu/tracenv/config.py, `guard_trac_config`);
- pkg_resources' `trac.plugins` entry points, which Trac loads on every environment it
  opens: resolved once, before any thread can see them half-built (plugins.py);
- our Trac components' lookup of other users' roles (devjavu/tracplugin/access.py),
  answered from this site's database (lookup.py).

The rest of the package patches nothing but is Trac's runtime all the same, used by the
dispatcher: envcache.py (a bounded cache of open environments, in place of Trac's
never-evicting `trac.env.env_cache`) and gate.py (pages rendered one at a time).
"""
from devjavu.site import Site
from devjavu.tracenv.config import guard_trac_config
from devjavu.tracplugin import access
from devjavu.tracruntime import tracpool
from devjavu.tracruntime.lookup import access_lookup
from devjavu.tracruntime.plugins import resolve_trac_plugins
from devjavu.tracruntime.templatecache import SharedBytecodeCache, share_compiled_templates


def install(site: Site) -> None:
    """Adjust Trac in this process for `site` (see above). Calling it again, for the same
    or another site, adjusts nothing twice; the lookup then answers from the new site."""
    settings = site.settings
    resolve_trac_plugins()
    guard_trac_config()
    tracpool.make_room_for(settings.trac_env_cache_size, settings.wsgi_threads)
    share_compiled_templates(SharedBytecodeCache())
    access.install_lookup(access_lookup(site))
