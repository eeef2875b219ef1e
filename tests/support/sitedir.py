"""A temporary site: data directory and .ini, somewhere Apache's user can reach."""
import configparser
import io
import os
import shutil
import socket
import tempfile
from pathlib import Path

from devjavu.settings import SOURCE_ROOT, load_settings

TEMPLATE_INI = SOURCE_ROOT / "development.ini"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SiteDir:
    """A throwaway site: `root/site.ini` and `root/var/`. Remove with `remove()`."""

    def __init__(self, database_url: str | None = None, data_dir: Path | None = None,
                 **overrides):
        # pytest's tmp_path is private to root; Apache's workers must traverse this one.
        self.root = Path(tempfile.mkdtemp(prefix="devjavu-test-"))
        os.chmod(self.root, 0o755)
        self.data_dir = Path(data_dir) if data_dir else self.root / "var"
        self.http_port = overrides.pop("http_port", None) or free_port()
        self.https_port = overrides.pop("https_port", None) or free_port()
        while self.https_port == self.http_port:     # the kernel may hand out one twice
            self.https_port = free_port()
        self.database_url = database_url or f"sqlite:///{self.data_dir}/devjavu.sqlite"
        values = {
            "devjavu.data_dir": str(self.data_dir),
            "sqlalchemy.url": self.database_url,
            "devjavu.http_port": str(self.http_port),
            "devjavu.https_port": str(self.https_port),
            "devjavu.wsgi_processes": "2",
            "devjavu.wsgi_threads": "5",
        }
        values.update(overrides)
        self.ini_path = self.root / "site.ini"
        self.ini_path.write_text(_ini_with(values))

    @property
    def log_dir(self) -> Path:
        """Apache's logs: root's, in the server directory beside the data directory."""
        return load_settings(self.ini_path).log_dir

    @property
    def ssl_dir(self) -> Path:
        return load_settings(self.ini_path).ssl_dir

    @property
    def backup_dir(self) -> Path:
        """Root's, in the server directory (the default devjavu.backup_dir)."""
        return load_settings(self.ini_path).backup_dir

    @property
    def http_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def https_url(self) -> str:
        return f"https://127.0.0.1:{self.https_port}"

    def remove(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


def _ini_with(values: dict[str, str]) -> str:
    parser = configparser.RawConfigParser()
    parser.optionxform = str
    parser.read(TEMPLATE_INI)
    for key, value in values.items():
        parser.set("app:main", key, value)
    out = io.StringIO()
    parser.write(out)
    return out.getvalue()
