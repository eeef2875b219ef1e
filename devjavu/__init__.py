"""DevjaVu: Subversion and Trac hosting. `main` and `apache_only_server` are the .ini's
app and server factories, which refuse to serve: only Apache serves the site."""
import warnings

# Trac and Pyramid import pkg_resources; setup.py pins a setuptools that still has it,
# so its deprecation notice is noise on every command and in every log.
warnings.filterwarnings("ignore", message="pkg_resources is deprecated",
                        category=UserWarning)

APACHE_ONLY = ("DevjaVu runs under Apache only (mod_dav_svn, the Trac dispatcher and the "
               "static files are served there): start it with `make run` or "
               "`devjavu-admin -c INI serve`, not pserve")


class RunsUnderApacheOnly(SystemExit):
    """Raised by the app factory: a SystemExit, so that pserve ends with the message
    alone and status 1."""


def main(global_config, **app_settings):
    """Refuses. The .ini's `[app:main]` names this factory so that PasteDeploy can read
    the section (devjavu/settings.py); the application Apache runs is built by
    devjavu/wsgi.py for mod_wsgi; served alone (`pserve`), the site would have no
    Subversion and no static files."""
    raise RunsUnderApacheOnly(APACHE_ONLY)


def apache_only_server(global_config, **server_settings):
    """The .ini's `[server:main]`: pserve reads it before the app, and stops here."""
    raise RunsUnderApacheOnly(APACHE_ONLY)
