"""The real `svn` client, with its own config dir and passwords on stdin."""
import subprocess
import tempfile
from pathlib import Path

CERT_FAILURES = "unknown-ca,cn-mismatch,expired,not-yet-valid,other"


class SvnClient:
    def __init__(self, base_url: str, workdir: Path):
        self.base_url = base_url
        self.workdir = workdir
        self.config_dir = Path(tempfile.mkdtemp(dir=workdir, prefix="svn-config-"))

    def url(self, project: str, path: str = "", base: str | None = None) -> str:
        url = f"{base or self.base_url}/svn/{project}"
        return f"{url}/{path}" if path else url

    def run(self, *args, user=None, password=None, check=True, cwd=None):
        command = ["svn", "--non-interactive", "--no-auth-cache",
                   "--config-dir", str(self.config_dir),
                   f"--trust-server-cert-failures={CERT_FAILURES}", *args]
        stdin = None
        if user is not None:
            command += ["--username", user]
        if password is not None:
            command.append("--password-from-stdin")
            stdin = password + "\n"
        result = subprocess.run(command, input=stdin, capture_output=True, text=True,
                                cwd=cwd, timeout=120)
        if check and result.returncode != 0:
            raise AssertionError(f"{' '.join(command)} failed:\n{result.stderr}")
        return result

    def checkout(self, project, user=None, password=None, base=None, check=True):
        wc = Path(tempfile.mkdtemp(dir=self.workdir, prefix=f"wc-{project}-"))
        result = self.run("checkout", self.url(project, base=base), str(wc),
                          user=user, password=password, check=check)
        return wc if result.returncode == 0 else result

    def add_file(self, wc: Path, name: str, text: str) -> None:
        path = wc / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        self.run("add", "--parents", str(path))

    def commit(self, wc: Path, message: str, user=None, password=None, check=True):
        return self.run("commit", "-m", message, str(wc), user=user, password=password,
                        check=check)

    def youngest(self, project: str, user=None, password=None) -> int:
        result = self.run("info", "--show-item", "revision", self.url(project),
                          user=user, password=password)
        return int(result.stdout.strip())
