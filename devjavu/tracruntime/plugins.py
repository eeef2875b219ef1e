"""Resolving Trac's plugins once, before any request, in one thread.

Trac loads plugins from `trac.plugins` entry points with pkg_resources, on every
environment it opens (`entry.load(require=True)`). pkg_resources builds each
distribution's map of requirements lazily and publishes it before filling it in, so
when a fresh process opens several environments at once, one thread can see a half-built
map, fail our plugin with "UnknownExtra: psycopg has no such extra feature 'binary'",
and Trac then removes our components from its global registry: requests in every
environment fail with "Cannot find implementation(s) of IPermissionPolicy" until the
next environment opens. Resolving every entry point here, before serving, builds those
maps while nothing else runs.
"""
import logging

from pkg_resources import working_set

log = logging.getLogger(__name__)


def resolve_trac_plugins() -> None:
    for entry in working_set.iter_entry_points("trac.plugins"):
        try:
            entry.require()
        except Exception as e:     # an optional one (Trac's mysql, rst...): Trac skips it
            log.debug("Trac plugin %s cannot be resolved: %s", entry, e)
