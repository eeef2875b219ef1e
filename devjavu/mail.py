"""Sending mail through the SMTP server of the .ini, after the transaction commits.

A message about a change (an invitation, a reset link) must not go out if the change
is rolled back, so messages queue on the session and leave in its after-commit hook.
"""
import logging
import smtplib
from email.message import EmailMessage
from email.utils import getaddresses, make_msgid

from sqlalchemy.orm import Session

from devjavu.models import hooks
from devjavu.settings import Settings

log = logging.getLogger(__name__)
_QUEUE_KEY = "devjavu.mail.queue"


def make_message(settings: Settings, to: str, subject: str, body: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = settings.mail_from
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain="devjavu")
    message.set_content(body)
    return message


def _one_recipient(message: EmailMessage) -> str | None:
    """The single mailbox the message is for, or None if its To header names several (an
    address with a comma, stored before addresses were checked whole, is two)."""
    mailboxes = [address for _, address in getaddresses(message.get_all("To", []))]
    return mailboxes[0] if len(mailboxes) == 1 and mailboxes[0] else None


def send_now(settings: Settings, messages: list[EmailMessage]) -> None:
    """Send each message to its one recipient; a message for several is not sent."""
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=10) as smtp:
        for message in messages:
            recipient = _one_recipient(message)
            if recipient is None:
                log.error("not sent: %r is not one address", str(message["To"]))
                continue
            smtp.send_message(message, to_addrs=[recipient])


def send_after_commit(db: Session, to: str, subject: str, body: str) -> None:
    settings = db.info["settings"]
    queue = db.info.setdefault(_QUEUE_KEY, [])
    queue.append(make_message(settings, to, subject, body))

    def deliver():
        messages = db.info.pop(_QUEUE_KEY, [])
        try:
            send_now(settings, messages)
        except (OSError, smtplib.SMTPException) as e:
            log.error("could not send %d message(s) through %s:%s: %s", len(messages),
                      settings.smtp_host, settings.smtp_port, e)

    hooks.after_commit(db, "mail", deliver)
    hooks.after_rollback(db, lambda: db.info.pop(_QUEUE_KEY, None))
