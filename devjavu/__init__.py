"""DevjaVu: Subversion and Trac hosting. `main` is the dashboard's paste.app_factory."""
import warnings

# Trac and Pyramid import pkg_resources; setup.py pins a setuptools that still has it,
# so its deprecation notice is noise on every command and in every log.
warnings.filterwarnings("ignore", message="pkg_resources is deprecated",
                        category=UserWarning)


def main(global_config, **app_settings):
    """The Pyramid dashboard for the site configured in the .ini being loaded."""
    from pathlib import Path

    from devjavu.dashboard import make_dashboard
    from devjavu.settings import settings_from_dict
    from devjavu.site import Site

    settings = settings_from_dict(app_settings, Path(global_config["__file__"]))
    return make_dashboard(Site(settings), app_settings)
