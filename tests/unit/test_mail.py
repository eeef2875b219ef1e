"""The background mail sender: bounded, and a failing task stops neither it nor the
tasks after it."""
import logging
import smtplib
import threading

from devjavu.mail import BackgroundSender


def test_a_full_queue_drops_the_task_and_says_so(caplog):
    sender = BackgroundSender(capacity=2)
    release = threading.Event()
    started = threading.Event()
    ran = []

    def blocker():
        started.set()
        release.wait(10)

    assert sender.hand_off(blocker)
    assert started.wait(10)                          # running: no longer in the queue
    assert sender.hand_off(lambda: ran.append(1)) and sender.hand_off(lambda: ran.append(2))
    with caplog.at_level(logging.ERROR, logger="devjavu.mail"):
        assert not sender.hand_off(lambda: ran.append(3))
    assert "mail queue full" in caplog.text
    release.set()
    assert sender.wait_until_idle()
    assert ran == [1, 2] and sender.handed_off == 3


def test_failing_tasks_are_logged_and_the_next_ones_run(caplog, monkeypatch):
    sender = BackgroundSender()
    ran = []
    reported = []
    bug_reported = threading.Event()

    def excepthook(args):                     # where threading prints a thread's bug
        reported.append(args.exc_type)
        bug_reported.set()

    monkeypatch.setattr(threading, "excepthook", excepthook)

    def smtp_refuses():
        raise smtplib.SMTPServerDisconnected("gone")

    def a_bug():
        raise KeyError("not a mail error")

    with caplog.at_level(logging.ERROR, logger="devjavu.mail"):
        for task in (smtp_refuses, lambda: ran.append("after smtp"), a_bug,
                     lambda: ran.append("after a bug")):
            assert sender.hand_off(task)
        assert sender.wait_until_idle()
    assert bug_reported.wait(10) and reported == [KeyError]
    assert ran == ["after smtp", "after a bug"]
    assert "mail task failed: gone" in caplog.text
