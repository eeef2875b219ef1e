"""Sending mail through the SMTP server of the .ini, after the transaction commits and
outside the request.

A message about a change (an invitation, a reset link) must not go out if the change
is rolled back, so messages queue on the session and, in its after-commit hook, are
handed to `sender`: one background thread of this process that talks to the SMTP
server, so that no answer waits for it (nor tells, by its time, that mail was sent).
"""
import atexit
import logging
import os
import queue
import smtplib
import threading
from email.message import EmailMessage
from email.utils import getaddresses, make_msgid
from typing import Callable

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from devjavu.models import hooks
from devjavu.settings import Settings

log = logging.getLogger(__name__)
_QUEUE_KEY = "devjavu.mail.queue"
_TASKS_KEY = "devjavu.mail.tasks"


class BackgroundSender:
    """Runs mail work on one thread of this process: SMTP conversations, and the lookups
    a password-reset request must not do while its requester waits.

    A stand-in until issue #17's durable queue replaces it. The queue lives in this
    process's memory only and holds at most `capacity` tasks: more are dropped and
    logged, so a flood of requests cannot grow memory or a backlog without bound. What
    is still queued when the process stops is lost, except that a normal interpreter
    exit (the CLI, a mod_wsgi daemon shutting down) waits up to `drain_seconds` for it.
    """

    def __init__(self, capacity: int = 200, drain_seconds: float = 10.0):
        self._capacity = capacity
        self._drain_seconds = drain_seconds
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)
        self._pending = 0                   # queued or running tasks
        self._handed_off = 0                # every task accepted, for tests and logs
        self._tasks: queue.Queue = queue.Queue(capacity)
        self._thread: threading.Thread | None = None
        self._pid = os.getpid()
        self._exit_hook_registered = False

    @property
    def handed_off(self) -> int:
        """How many tasks this process has accepted so far."""
        return self._handed_off

    def hand_off(self, task: Callable[[], None]) -> bool:
        """Queue `task` to run on the sender thread; False (and logged) if it is full."""
        with self._lock:
            self._start_if_needed()
            try:
                self._tasks.put_nowait(task)
            except queue.Full:
                log.error("mail queue full (%d tasks): a task is dropped", self._capacity)
                return False
            self._pending += 1
            self._handed_off += 1
            return True

    def wait_until_idle(self, timeout: float = 10.0) -> bool:
        """Wait until every task handed off so far has run; False on timeout."""
        with self._idle:
            return self._idle.wait_for(lambda: self._pending == 0, timeout)

    def _start_if_needed(self) -> None:
        if self._pid != os.getpid():
            # A forked child has the parent's queue but not its thread: start afresh.
            self._tasks, self._pending, self._thread = queue.Queue(self._capacity), 0, None
            self._pid = os.getpid()
        if self._thread is not None and self._thread.is_alive():
            return
        self._thread = threading.Thread(target=self._run, name="devjavu-mail", daemon=True)
        self._thread.start()
        if not self._exit_hook_registered:
            atexit.register(self.wait_until_idle, self._drain_seconds)
            self._exit_hook_registered = True

    def _run(self) -> None:
        while True:
            task = self._tasks.get()
            try:
                task()
            except (OSError, smtplib.SMTPException, SQLAlchemyError) as e:
                log.error("mail task failed: %s", e)
            except BaseException:
                # A bug: this thread ends with its traceback printed by threading's
                # excepthook, and a new one takes over the queue.
                with self._lock:
                    self._thread = None
                    self._start_if_needed()
                raise
            finally:
                with self._idle:
                    self._pending -= 1
                    self._idle.notify_all()


sender = BackgroundSender()


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
    """Send each message to its one recipient; a message for several is not sent.
    Talks to the SMTP server in the caller's thread: requests use `send_after_commit`."""
    if not messages:
        return
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=10) as smtp:
        for message in messages:
            recipient = _one_recipient(message)
            if recipient is None:
                log.error("not sent: %r is not one address", str(message["To"]))
                continue
            smtp.send_message(message, to_addrs=[recipient])


def _deliver(settings: Settings, messages: list[EmailMessage]) -> None:
    try:
        send_now(settings, messages)
    except (OSError, smtplib.SMTPException) as e:
        log.error("could not send %d message(s) through %s:%s: %s", len(messages),
                  settings.smtp_host, settings.smtp_port, e)


def send_after_commit(db: Session, to: str, subject: str, body: str) -> None:
    """Send this message on the sender thread once `db` commits; never if it does not."""
    settings = db.info["settings"]
    db.info.setdefault(_QUEUE_KEY, []).append(make_message(settings, to, subject, body))

    def hand_off():
        messages = db.info.pop(_QUEUE_KEY, [])
        sender.hand_off(lambda: _deliver(settings, messages))

    hooks.after_commit(db, "mail", hand_off)
    hooks.after_rollback(db, lambda: db.info.pop(_QUEUE_KEY, None))


def run_after_commit(db: Session, task: Callable[[], None]) -> None:
    """Hand `task` to the sender thread once `db` commits; never if it does not."""
    db.info.setdefault(_TASKS_KEY, []).append(task)

    def hand_off():
        for queued in db.info.pop(_TASKS_KEY, []):
            sender.hand_off(queued)

    hooks.after_commit(db, "mail.tasks", hand_off)
    hooks.after_rollback(db, lambda: db.info.pop(_TASKS_KEY, None))
