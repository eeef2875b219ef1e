"""Every mail DevjaVu sends: one function per message, so that each message's recipient,
subject and body are found in one place.

Each returns a `Letter`; the service that does the action queues it with
`mail.send_after_commit(db, *letter)`.
"""
from typing import NamedTuple

from devjavu.models import Project, Role, User
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


def operator_name(actor: User | None) -> str:
    """Who did an action, as a message names them: a user, or the site's operator (the
    server's command line)."""
    return actor.username if actor is not None else "The site's operator"


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


def invitation(settings: Settings, project: Project, email: str, role: Role,
               inviter: User, token: str, lifetime_days: int) -> Letter:
    """To an address invited to `project`: the link that accepts (signing up on the
    way if the address has no account yet)."""
    return Letter(
        email, f"{inviter.username} invites you to {project.name} on DevjaVu",
        f"Hello,\n\n{inviter.username} invites you to join the project {project.name} "
        f"as {role}.\nAccept within {lifetime_days} days (you can sign up on the way):\n\n"
        f"{settings.public_url}/invite/{token}\n")


def member_added(settings: Settings, project: Project, user: User, role: Role,
                 actor: User | None) -> Letter:
    """To a user someone else made a member of `project`."""
    return Letter(
        user.email, f"You are now {role} of {project.name}",
        f"Hello {user.username},\n\n{operator_name(actor)} added you to {project.name} "
        f"as {role}.\n\nTrac: {settings.public_url}/{project.name}/\n"
        f"Subversion: {settings.public_url}/svn/{project.name}\n")
