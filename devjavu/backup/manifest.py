"""The manifest of a backup: every file with its size and SHA-256, and what it holds."""
import hashlib
import json
import os
from pathlib import Path

from devjavu.backup.layout import MANIFEST


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
            if relative != MANIFEST:
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
        if os.lstat(path).st_size != entry["size"] or sha256_of(path) != entry["sha256"]:
            raise ManifestError(f"{root}: {name} does not match its checksum")
