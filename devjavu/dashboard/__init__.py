"""The Pyramid dashboard: sign-up and login, accounts, projects and members, site
administration, and /_health."""
from pyramid.config import Configurator

from devjavu.models import tm_session
from devjavu.site import Site


def make_dashboard(site: Site, app_settings: dict):
    config = Configurator(settings=dict(app_settings))
    config.registry["devjavu.site"] = site
    config.include("pyramid_tm")
    config.include("devjavu.dashboard.tweens")
    config.add_request_method(
        lambda request: tm_session(site.session_factory, request.tm), "dbsession",
        reify=True)
    config.include("devjavu.dashboard.security")
    config.include("devjavu.dashboard.rendering")
    config.include("devjavu.dashboard.routes")
    config.include("devjavu.dashboard.views.health")
    config.scan("devjavu.dashboard.views")
    return config.make_wsgi_app()
