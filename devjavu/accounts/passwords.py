"""Password hashing: argon2id, the only form in which a password is ever stored."""
import os
import threading

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

# OWASP's argon2id configuration (Password Storage Cheat Sheet: 19 MiB, 2 passes, one
# lane): about 25 ms of CPU here. The library's default (64 MiB, 3 passes, 4 lanes) costs
# about 170 ms, and a burst of logins then queues for seconds on two cores. Hashes made
# with other parameters still verify and are replaced at the next sign-in.
_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
# Verified when the username is unknown, so that a wrong username costs what a wrong
# password does and the time of a refusal does not tell which one it was.
_UNKNOWN_USER_HASH = _hasher.hash("no account has this password")
# At most one hash computation per CPU at a time in a process: a burst of logins (or of
# guesses) then waits its turn instead of taking 19 MiB each at once and starving every
# other request of CPU.
_hashing = threading.BoundedSemaphore(os.cpu_count() or 1)

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 1024


def _hash(text: str) -> str:
    with _hashing:
        return _hasher.hash(text)


class PasswordError(ValueError):
    """A proposed password is not acceptable."""


def check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise PasswordError(f"Passwords need at least {MIN_PASSWORD_LENGTH} characters.")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise PasswordError(f"Passwords may have at most {MAX_PASSWORD_LENGTH} characters.")


def hash_password(password: str) -> str:
    check_password_rules(password)
    return _hash(password)


def hash_secret(secret: str) -> str:
    """Hash without the password rules: a generated secret (an access token), or a
    password that just verified and may predate the rules."""
    return _hash(secret)


def needs_rehash(password_hash: str) -> bool:
    """The hash was made with other parameters than the current ones."""
    try:
        return _hasher.check_needs_rehash(password_hash)
    except InvalidHashError:
        return True


def spend_a_verification(password: str) -> None:
    """Take as long as verifying a password does, for an unknown user."""
    verify_password(_UNKNOWN_USER_HASH, password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        with _hashing:
            return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
