"""URL dispatch for the dashboard. Every first segment here is a reserved project name."""


def includeme(config):
    config.add_route("home", "/")
    config.add_route("health", "/_health")
