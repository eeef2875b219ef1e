"""The WSGI application that mod_wsgi runs: the dispatcher for one site's .ini."""
import logging.config

from devjavu.dashboard import make_dashboard
from devjavu.dispatch.app import Dispatcher
from devjavu.site import Site


def make_application(ini_path: str):
    from paste.deploy.loadwsgi import appconfig

    site = Site.from_ini(ini_path)
    # Application logs go to stderr, which mod_wsgi sends to Apache's rotated error log.
    logging.config.fileConfig(site.settings.ini_path, disable_existing_loggers=False)
    raw_settings = dict(appconfig(f"config:{site.settings.ini_path}", name="main"))
    return Dispatcher(site, make_dashboard(site, raw_settings))
