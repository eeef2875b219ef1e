"""Checking generated authz files with Subversion's own command line tool."""
import subprocess
import tempfile
from pathlib import Path


def as_apache_reads(data_dir: Path, project: str) -> bytes:
    """A project's authz file with the shared groups file's definitions, as one file:
    what mod_authz_svn evaluates (svnauthz takes no groups file for validation)."""
    return ((data_dir / "authz" / "groups").read_bytes()
            + (data_dir / "repos" / project / "conf" / "authz").read_bytes())


def svnauthz(data_dir: Path, project: str, *args: str) -> str:
    """Run `svnauthz ARGS FILE` on the project's file as Apache reads it; its output."""
    with tempfile.NamedTemporaryFile(suffix=".authz") as combined:
        combined.write(as_apache_reads(data_dir, project))
        combined.flush()
        result = subprocess.run(["svnauthz", *args, combined.name], capture_output=True,
                                text=True, check=True)
    return result.stdout.strip()
