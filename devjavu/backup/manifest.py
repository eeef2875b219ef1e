"""The manifest of a backup: every file with its size and SHA-256, and what it holds."""
import hashlib
import json
import os
import stat
from pathlib import Path

from devjavu.backup.layout import MANIFEST, SIGNATURE
from devjavu.projects.names import NAME_RE


class ManifestError(RuntimeError):
    """A backup does not match its manifest."""


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def file_list(root: Path) -> list[str]:
    files = []
    for directory, _dirs, names in os.walk(root):
        for name in names:
            relative = os.path.relpath(os.path.join(directory, name), root)
            if relative not in (MANIFEST, SIGNATURE):
                files.append(relative)
    return sorted(files)


def checksums(root: Path) -> dict[str, dict]:
    return {name: {"size": os.lstat(root / name).st_size, "sha256": sha256_of(root / name)}
            for name in file_list(root) if not (root / name).is_symlink()}


def write_manifest(root: Path, manifest: dict) -> None:
    with open(root / MANIFEST, "w") as f:
        json.dump(manifest, f, indent=1, sort_keys=True)
        f.flush()
        os.fsync(f.fileno())


def read_manifest(root: Path) -> dict:
    try:
        return json.loads((root / MANIFEST).read_text())
    except (OSError, ValueError) as e:
        raise ManifestError(f"{root}: no readable manifest ({e})") from None


def verify_checksums(root: Path, manifest: dict) -> None:
    """Every listed file present with its size and checksum, and nothing else."""
    expected = manifest["files"]
    present = {name for name in file_list(root) if not (root / name).is_symlink()}
    missing, extra = sorted(set(expected) - present), sorted(present - set(expected))
    if missing or extra:
        raise ManifestError(f"{root}: missing {missing[:5]}, unexpected {extra[:5]}")
    for name, entry in expected.items():
        path = root / name
        try:
            matches = (os.lstat(path).st_size == entry["size"]
                       and sha256_of(path) == entry["sha256"])
        except (KeyError, TypeError):
            matches = False
        if not matches:
            raise ManifestError(f"{root}: {name} does not match its checksum")


# What a backup holds at its top; anything else is refused.
TOP_LEVEL = {MANIFEST, SIGNATURE, "database", "repos", "trac", "config"}


def check_contents(root: Path, manifest: dict) -> None:
    """Raises ManifestError unless `root` holds only folders and regular files (no link,
    device or FIFO), its projects have valid names (the format of devjavu/projects/names:
    nothing like `../x`) and are exactly the folders below repos/ and trac/, and every
    file matches the manifest's size and checksum."""
    try:
        projects = [project["name"] for project in manifest["projects"]]
        names = list(manifest["files"])
        kind = manifest["database"]
    except (KeyError, TypeError) as e:
        raise ManifestError(f"{root}: the manifest lacks {e}") from None
    bad = [name for name in projects if not isinstance(name, str) or not NAME_RE.match(name)]
    if bad or len(set(projects)) != len(projects):
        raise ManifestError(f"{root}: not a project name: {bad[:5] or 'a name twice'}")
    if kind not in ("sqlite", "postgresql"):
        raise ManifestError(f"{root}: unknown database kind {str(kind)[:40]!r}")
    for directory, dirs, files in os.walk(root):
        for name in dirs + files:
            status = os.lstat(os.path.join(directory, name))
            if not (stat.S_ISDIR(status.st_mode) or stat.S_ISREG(status.st_mode)):
                relative = os.path.relpath(os.path.join(directory, name), root)
                raise ManifestError(f"{root}: {relative} is neither a file nor a folder "
                                    "(a link or special file)")
    top = set(os.listdir(root))
    if top - TOP_LEVEL:
        raise ManifestError(f"{root}: unexpected {sorted(top - TOP_LEVEL)[:5]}")
    for folder in ("repos", "trac"):
        present = set(os.listdir(root / folder)) if (root / folder).is_dir() else set()
        if present != set(projects):
            raise ManifestError(f"{root}: {folder}/ holds {sorted(present)[:5]}, the "
                                f"manifest names {sorted(projects)[:5]}")
    if any(not isinstance(name, str) or name.startswith("/") or ".." in name.split("/")
           for name in names):
        raise ManifestError(f"{root}: the manifest names a file outside the backup")
    verify_checksums(root, manifest)
