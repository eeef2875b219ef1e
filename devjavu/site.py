"""One DevjaVu site: its settings, database engine and sessions, as every entry point
but Apache's children (the WSGI dispatcher, the CLI, the tests) opens it.

Services only mark a project's access as changed (devjavu/authz/stale.py); here the
site's sessions are given the writer that rewrites the marked access files once the
transaction has committed (devjavu/authz/install.py, which needs Subversion's bindings).
"""
from devjavu.authz import install as access_files
from devjavu.authz import stale
from devjavu.settings import Settings
from devjavu.sitedatabase import SiteDatabase


class Site(SiteDatabase):
    def __init__(self, settings: Settings):
        super().__init__(settings, {stale.WRITER_KEY: access_files.write_marked})
