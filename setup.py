"""DevjaVu: Subversion and Trac hosting for many projects on one Apache server."""
from setuptools import find_packages, setup

# Subversion's SWIG bindings (Trac's svn support) come from Debian's python3-subversion,
# reached through a virtualenv made with --system-site-packages; they are not on PyPI.
install_requires = [
    # Trac loads plugins through pkg_resources; older ones cannot match normalized
    # dist-info names (zope_interface) and would refuse to load our plugin.
    "setuptools>=70,<81",
    "Trac==1.6",
    "subvertpy>=0.11",
    "pyramid>=2.0",
    "pyramid_tm>=2.5",
    "transaction>=4.0",
    "zope.sqlalchemy>=3.0",
    "SQLAlchemy>=2.0",
    "alembic>=1.12",
    "PasteDeploy>=3.0",
    "Genshi>=0.7.7",
    "WTForms>=3.1",
    "argon2-cffi>=23.1",
    "tqdm>=4.66",
    "psycopg[binary]>=3.1",
]

tests_require = [
    "pytest>=8",
    # `make test` runs the tests that drive Apache in two processes (whole files each).
    "pytest-xdist>=3.5",
    "WebTest>=3.0",
    "requests>=2.28",
    "aiosmtpd>=1.4",
    "selenium>=4.20",
    "hypothesis>=6.100",
    "ruff>=0.5",
]

setup(
    name="devjavu",
    version="0.1.0",
    description=__doc__,
    packages=find_packages(include=["devjavu", "devjavu.*"]),
    include_package_data=True,
    package_data={"devjavu": ["dashboard/templates/*.html", "dashboard/templates/*/*.html",
                              "dashboard/static/*"]},
    python_requires=">=3.11",
    install_requires=install_requires,
    extras_require={"test": tests_require},
    entry_points={
        "paste.app_factory": ["main = devjavu:main"],
        "console_scripts": ["devjavu-admin = devjavu.cli.main:main"],
        "trac.plugins": [
            "devjavu.auth = devjavu.tracplugin.auth",
            "devjavu.perm = devjavu.tracplugin.perm",
            "devjavu.nav = devjavu.tracplugin.nav",
        ],
    },
)
