"""Password hashing: argon2id, the only form in which a password is ever stored."""
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 1024


class PasswordError(ValueError):
    """A proposed password is not acceptable."""


def check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise PasswordError(f"Passwords need at least {MIN_PASSWORD_LENGTH} characters.")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise PasswordError(f"Passwords may have at most {MAX_PASSWORD_LENGTH} characters.")


def hash_password(password: str) -> str:
    check_password_rules(password)
    return _hasher.hash(password)


def hash_secret(secret: str) -> str:
    """Hash a generated secret (an access token): no password rules apply."""
    return _hasher.hash(secret)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
