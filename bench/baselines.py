"""The bare baselines: the same components without our code.

- Trac 1.6's own `trac.wsgi` under the same Apache and mod_wsgi daemon settings as ours;
- Trac as CGI (mod_cgid);
- mod_dav_svn with no authentication;
- a plain Apache serving the same static files (the static ceiling).

Trac runs from a virtualenv of its own, with the same versions of Trac and its
dependencies as ours but without DevjaVu installed: Trac imports every installed
`trac.plugins` entry point at start, and a CGI baseline that imported DevjaVu on every
request would flatter us. Each baseline environment is a copy of one of our projects'
environments (same database, same repository) with our components taken out of its
shared trac.ini.
"""
import configparser
import importlib.metadata
import os
import shutil
import string
import subprocess
from dataclasses import dataclass
from pathlib import Path

from bench.servers import ApacheServer, bare_apache
from bench.workspace import Workspace, free_port
from devjavu.apacheconf.render import APACHE_MODULES, DASHBOARD_STATIC, TRAC_HTDOCS
from devjavu.settings import Settings

TEMPLATES = Path(__file__).resolve().parent / "templates"
# Trac and what it imports, pinned to the versions in our virtualenv.
BARE_PACKAGES = ("Trac", "Jinja2", "MarkupSafe", "Pygments", "setuptools")
BARE_TRAC_DISPLAY_NAME = "bare-trac-wsgi"


def render(template_names: list[str], values: dict) -> str:
    text = "".join((TEMPLATES / name).read_text() for name in template_names)
    return string.Template(text).substitute(values)


def chown_to_run_user(path: Path, settings: Settings) -> None:
    shutil.chown(path, settings.run_user, settings.run_user)
    for root, dirs, files in os.walk(path):
        for name in dirs + files:
            shutil.chown(os.path.join(root, name), settings.run_user, settings.run_user)


def make_bare_venv(path: Path) -> Path:
    """A virtualenv from Debian's python3 (for its Subversion bindings) with Trac only."""
    subprocess.run(["/usr/bin/python3", "-m", "venv", "--system-site-packages", str(path)],
                   check=True)
    pins = [f"{name}=={importlib.metadata.version(name)}" for name in BARE_PACKAGES]
    subprocess.run([str(path / "bin" / "pip"), "install", "--quiet", "--disable-pip-version-check",
                    *pins], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return path


def bare_shared_trac_ini(settings: Settings, dest: Path) -> Path:
    """config/trac.ini without our components and permission policy."""
    parser = configparser.RawConfigParser()
    parser.optionxform = str
    parser.read(settings.shared_trac_ini)
    parser.remove_option("trac", "permission_policies")
    for option in list(parser["components"]):
        if option.startswith("devjavu") or option == "trac.web.auth.loginmodule":
            parser.remove_option("components", option)
    with open(dest, "w") as f:
        parser.write(f)
    return dest


def copy_environment(source: Path, dest: Path, shared_ini: Path, settings: Settings) -> Path:
    """A copy of one of our Trac environments that inherits `shared_ini` instead of ours."""
    shutil.copytree(source, dest, symlinks=True)
    conf = dest / "conf" / "trac.ini"
    parser = configparser.RawConfigParser()
    parser.optionxform = str
    parser.read(conf)
    parser.set("inherit", "file", str(shared_ini))
    with open(conf, "w") as f:
        parser.write(f)
    chown_to_run_user(dest, settings)
    return dest


@dataclass
class Baselines:
    """Makes bare Apaches in the workspace; each gets its own server root and port."""
    workspace: Workspace
    settings: Settings          # our site's: run user and mod_wsgi daemon settings
    venv: Path
    shared_ini: Path

    @classmethod
    def prepare(cls, workspace: Workspace, settings: Settings) -> "Baselines":
        bare = workspace.directory("bare")
        venv = make_bare_venv(bare / "venv")
        return cls(workspace, settings, venv, bare_shared_trac_ini(settings, bare / "trac.ini"))

    @property
    def environments_dir(self):
        """Where the copies of our environments go: TRAC_ENV_PARENT_DIR for them all."""
        return self.workspace.directory("bare/envs")

    def environment_copy(self, project: str) -> Path:
        dest = self.environments_dir / project
        if not dest.exists():
            copy_environment(self.settings.trac_env_path(project), dest, self.shared_ini,
                             self.settings)
        return dest

    def _server(self, name: str, templates: list[str], description: str,
                logging: str | None = None, **values) -> ApacheServer:
        root = self.workspace.directory(f"bare/{name}")
        log_dir = self.workspace.directory("logs")
        port = free_port()
        conf = root / "httpd.conf"
        logging = logging or (f'ErrorLog "{log_dir}/{name}.error.log"\n'
                              f'CustomLog "{log_dir}/{name}.access.log" devjavu')
        conf.write_text(render(["common.conf.in", *templates], {
            "description": description, "server_root": root, "run_user": self.settings.run_user,
            "modules": APACHE_MODULES, "port": port, "log_dir": log_dir, "name": name,
            "trac_htdocs": TRAC_HTDOCS, "logging": logging, **values}))
        return bare_apache(name, conf, port, log_dir)

    def trac_wsgi(self, name: str, env_variable: str, env_location: Path,
                  processes: int | None = None) -> ApacheServer:
        """Trac's dispatch_request under mod_wsgi; TRAC_ENV or TRAC_ENV_PARENT_DIR."""
        script = self.workspace.directory(f"bare/{name}-script") / "trac.wsgi"
        script.write_text(render(["trac.wsgi.in"], {"env_variable": env_variable,
                                                     "env_location": env_location}))
        return self._server(
            name, ["trac-wsgi.conf.in"], f"bare Trac under mod_wsgi ({env_location})",
            venv=self.venv, processes=processes or self.settings.wsgi_processes,
            threads=self.settings.wsgi_threads, display_name=BARE_TRAC_DISPLAY_NAME,
            script=script, script_dir=script.parent, script_name=script.name)

    def trac_cgi(self, name: str, env_location: Path) -> ApacheServer:
        script = self.workspace.directory(f"bare/{name}-script") / "trac.cgi"
        script.write_text(render(["trac.cgi.in"], {"python": self.venv / "bin" / "python",
                                                    "env_location": env_location}))
        script.chmod(0o755)
        return self._server(name, ["trac-cgi.conf.in"], f"bare Trac as CGI ({env_location})",
                            script=script, script_dir=script.parent, script_name=script.name)

    def svn_without_auth(self, name: str, repos_dir: Path) -> ApacheServer:
        return self._server(name, ["svn-noauth.conf.in"],
                            f"mod_dav_svn without authentication ({repos_dir})",
                            repos_dir=repos_dir)

    def static_files(self, name: str, logging_like: Path | None = None) -> ApacheServer:
        """A plain Apache for static files; with `logging_like` (our rendered httpd.conf),
        it logs the way that config does (piped loggers, say), into its own directory."""
        logging = None
        if logging_like is not None:
            log_dir = self.workspace.directory(f"logs/{name}")
            logging = "\n".join(
                line.replace(str(self.settings.log_dir), str(log_dir))
                for line in logging_like.read_text().splitlines()
                if line.startswith(("ErrorLog", "CustomLog")))
        return self._server(name, ["static.conf.in"], "plain static files", logging,
                            dashboard_static=DASHBOARD_STATIC)
