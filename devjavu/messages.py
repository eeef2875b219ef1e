"""The texts of the mail DevjaVu sends about accounts: one function per message, so that
each message's recipient, subject and body are found in one place.

Each returns a `Letter`; `mail.send_after_commit(db, *letter)` sends it.
"""
from typing import NamedTuple

from devjavu.models import User
from devjavu.settings import Settings


class Letter(NamedTuple):
    to: str
    subject: str
    body: str


def password_reset_link(settings: Settings, user: User, token: str, lifetime_text: str
                        ) -> Letter:
    return Letter(
        user.email, "Reset your DevjaVu password",
        f"Hello {user.username},\n\nSomeone (we hope you) asked to reset your DevjaVu "
        f"password. Choose a new one here within {lifetime_text}:\n\n"
        f"{settings.public_url}/reset/{token}\n\n"
        "If it was not you, ignore this message: your password stays as it is.\n")


def password_changed(settings: Settings, user: User, how: str) -> Letter:
    """To the account's address: its password was changed (`how`: "on your account
    page", "with a reset link")."""
    return Letter(
        user.email, "Your DevjaVu password was changed",
        f"Hello {user.username},\n\nThe password of your DevjaVu account was changed "
        f"{how}. Your other sign-ins have ended.\n\n"
        "If it was not you, ask for a reset link at once and choose a new password:\n\n"
        f"{settings.public_url}/reset\n")


def email_changed(settings: Settings, user: User, old_address: str) -> Letter:
    """To the address that was in effect before the change, which the new one does not
    reach: its owner learns of a change they did not make."""
    return Letter(
        old_address, "Your DevjaVu email address was changed",
        f"Hello {user.username},\n\nThe email address of your DevjaVu account was "
        f"changed from this address to {user.email}. Password reset links and notices "
        "now go there.\n\n"
        "If it was not you, your account may be in someone else's hands: write to the "
        f"site's administrators ({settings.public_url}).\n")
