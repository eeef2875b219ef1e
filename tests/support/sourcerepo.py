"""A source repository for imports: real history made with svnmucc over file://, served
by a real svnserve on a loopback port."""
import os
import signal
import socket
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

from tests.support.sitedir import free_port


def make_history(path: Path, revisions: int = 50) -> None:
    """A repository of `revisions` (at least 15) revisions: files, directories, copies (a branch and a
    tag), a moved file, properties (svn:externals and svn:eol-style among them), a
    deletion and a binary file."""
    subprocess.run(["svnadmin", "create", str(path)], check=True)
    url = path.as_uri()

    def mucc(message, *actions):
        subprocess.run(["svnmucc", "--non-interactive", "-U", url, "-m", message, *actions],
                       check=True, capture_output=True)

    mucc("layout", "mkdir", "trunk", "mkdir", "branches", "mkdir", "tags")
    binary = path.parent / f"{path.name}-logo.bin"
    binary.write_bytes(bytes(range(256)) * 8)
    mucc("a binary file", "put", str(binary), "trunk/logo.bin",
         "propset", "svn:mime-type", "application/octet-stream", "trunk/logo.bin")
    made = 2
    n = 0
    while made < revisions - 5:
        n += 1
        text = path.parent / f"{path.name}-file.txt"
        text.write_text(f"line {n}\n" * n)
        mucc(f"change {n}\n\nwith a second paragraph", "put", str(text), f"trunk/file{n % 7}.txt")
        made += 1
    mucc("properties", "propset", "svn:eol-style", "native", "trunk/file1.txt",
         "propset", "svn:externals", "ext http://127.0.0.1:1/never-contacted", "trunk")
    mucc("a branch", "cp", "HEAD", "trunk", "branches/b1")
    mucc("a move", "mv", "branches/b1/file2.txt", "branches/b1/moved.txt")
    mucc("a tag", "cp", "HEAD", "trunk", "tags/v1")
    mucc("a deletion", "rm", "trunk/file3.txt")
    assert youngest(path) == revisions, youngest(path)


def youngest(path: Path) -> int:
    return int(subprocess.run(["svnlook", "youngest", str(path)], check=True,
                              capture_output=True, text=True).stdout)


def require_password(path: Path, username: str, password: str) -> None:
    """svnserve asks everyone for `username`'s password (nobody reads anonymously)."""
    (path / "conf" / "passwd").write_text(f"[users]\n{username} = {password}\n")
    (path / "conf" / "svnserve.conf").write_text(
        "[general]\nanon-access = none\nauth-access = read\npassword-db = passwd\n"
        "realm = import-source\n")


@contextmanager
def svnserve(root: Path, port: int | None = None):
    """svnserve for the repositories in `root` on `port` (default: a free loopback
    port): yields (port, process); the process leads its own group, with the children
    serving connections."""
    port = port or free_port()
    process = subprocess.Popen(["svnserve", "-d", "--foreground", "--listen-host",
                                "127.0.0.1", "--listen-port", str(port), "-r", str(root)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        yield port, process
    finally:
        stop(process)


def stop(process: subprocess.Popen) -> None:
    """Stop svnserve and the children serving its connections."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait()


def log_of(url: str) -> str:
    """`svn log -v` of a repository URL (no credentials needed)."""
    return subprocess.run(["svn", "log", "-v", "--non-interactive", url], check=True,
                          capture_output=True, text=True).stdout
