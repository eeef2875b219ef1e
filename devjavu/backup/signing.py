"""The backup key and the HMAC that tells a backup this site's root took from one that
was made or altered by anyone else.

The manifest lists every file of a backup with its SHA-256, so its HMAC covers them all.
The key lives outside the data directory (devjavu.backup_key), readable by root only:
the run user, which owns everything a backup holds, can neither read it nor sign.
"""
import hashlib
import hmac
import os
import secrets
import tempfile
from pathlib import Path

from devjavu.backup.layout import MANIFEST, SIGNATURE
from devjavu.datadir import root_only_directory
from devjavu.fsutil import fsync_directory

KEY_BYTES = 32


class SignatureError(RuntimeError):
    """A backup's signature is missing or wrong, or the key cannot be read."""


def ensure_key(path: Path) -> bytes:
    """The key at `path`, made (random, mode 0600) if missing, in a folder that only root
    can change."""
    root_only_directory(path.parent, None)
    if os.path.lexists(path):
        return read_key(path)
    # Written whole beside it, then linked into place (never over an existing key): a
    # full disk leaves no empty key that would refuse every later backup.
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_hex(KEY_BYTES) + "\n")
            f.flush()
            os.fsync(f.fileno())
        try:
            os.link(temp, path)
        except FileExistsError:
            pass                              # another backup made it meanwhile
        fsync_directory(path.parent)
    finally:
        os.unlink(temp)
    return read_key(path)


def read_key(path: Path) -> bytes:
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
        with os.fdopen(fd) as f:
            key = bytes.fromhex(f.read().strip())
    except (OSError, ValueError) as e:
        raise SignatureError(f"cannot read the backup key {path} ({e}): restore needs the "
                             "key of the site that took the backup (devjavu.backup_key)"
                             ) from None
    if len(key) < KEY_BYTES:
        raise SignatureError(f"the backup key {path} is too short")
    return key


def _digest(backup: Path, key: bytes) -> str:
    return hmac.new(key, (backup / MANIFEST).read_bytes(), hashlib.sha256).hexdigest()


def sign(backup: Path, key: bytes) -> None:
    with open(backup / SIGNATURE, "w") as f:
        f.write(_digest(backup, key) + "\n")
        f.flush()
        os.fsync(f.fileno())


def verify(backup: Path, key: bytes) -> None:
    """Raises SignatureError unless the manifest carries this key's HMAC."""
    try:
        claimed = (backup / SIGNATURE).read_text().strip()
        actual = _digest(backup, key)
    except OSError as e:
        raise SignatureError(f"the backup has no readable manifest or signature ({e})"
                             ) from None
    if not hmac.compare_digest(claimed, actual):
        raise SignatureError("its signature does not match: it was not taken by this "
                             "site's backup, or it was altered since")
