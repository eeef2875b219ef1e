"""Handing a job's secret (a source repository's password) from the request that queued
it to the runner, without the database or a lasting file.

The request writes it to run/job-secrets/<job id> (the run user's alone, mode 0600); the
runner reads and removes it as it claims the job and keeps it in memory for that run
only. Every start of the site removes what is left, so a secret never outlives the run
it was given for: a job queued before a restart waits for its owner to give it again.
"""
from pathlib import Path

from devjavu.fsutil import atomic_write
from devjavu.settings import Settings


def _directory(settings: Settings) -> Path:
    return settings.run_dir / "job-secrets"


def _path(settings: Settings, job_id: int) -> Path:
    return _directory(settings) / str(int(job_id))


def hand_over(settings: Settings, job_id: int, secret: str) -> None:
    directory = _directory(settings)
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    atomic_write(_path(settings, job_id), secret, mode=0o600)


def take(settings: Settings, job_id: int) -> str | None:
    """The secret handed over for `job_id`, removed from disk; None if there is none."""
    path = _path(settings, job_id)
    try:
        secret = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    path.unlink(missing_ok=True)
    return secret


def discard(settings: Settings, job_id: int) -> None:
    _path(settings, job_id).unlink(missing_ok=True)


def discard_all(settings: Settings) -> int:
    """Remove every secret handed over and not taken (every start does)."""
    removed = 0
    for path in _directory(settings).glob("*"):
        path.unlink(missing_ok=True)
        removed += 1
    return removed
