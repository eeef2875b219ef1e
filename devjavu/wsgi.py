"""The WSGI application that mod_wsgi runs: the dispatcher for one site's .ini."""
import gc
import logging.config

from devjavu.dashboard import make_dashboard
from devjavu import tracruntime
from devjavu.dispatch.app import Dispatcher
from devjavu.site import Site


def make_application(ini_path: str):
    from paste.deploy.loadwsgi import appconfig

    site = Site.from_ini(ini_path)
    # Application logs go to stderr, which mod_wsgi sends to Apache's rotated error log.
    logging.config.fileConfig(site.settings.ini_path, disable_existing_loggers=False)
    raw_settings = dict(appconfig(f"config:{site.settings.ini_path}", name="main"))
    tracruntime.install(site)
    application = Dispatcher(site, make_dashboard(site, raw_settings))
    settle_startup_heap()
    return application


def settle_startup_heap() -> None:
    """Collect the start-up's garbage once, then put what remains (every module of Trac,
    Pyramid, SQLAlchemy and Genshi, the configuration) out of the cyclic collector's reach.
    None of it becomes garbage, yet each full collection walked it all again (~118,000
    objects, 50-60 ms of CPU here, 0.3 ms once frozen) with every thread of the process
    stopped: under load, stalls of up to 200 ms in the slowest 1% of dashboard requests.
    Trac environments, opened later, stay collectable, so an evicted one is freed."""
    gc.collect()
    gc.freeze()
