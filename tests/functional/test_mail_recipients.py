"""Mail goes to the one address it was written to, through a real SMTP server."""
import types

from devjavu import mail


def test_mail_for_several_mailboxes_is_not_sent(smtp_server, mailbox, caplog):
    """An account made before addresses were checked whole may hold "root,x@...":
    mail to it would reach root and x. It is not sent; the next message still is."""
    controller, _ = smtp_server
    settings = types.SimpleNamespace(mail_from="site@example.com", smtp_host="127.0.0.1",
                                     smtp_port=controller.port)
    mail.send_now(settings, [
        mail.make_message(settings, address, "Reset your password", "a link")
        for address in ("root,x@evil.example", "amy@example.com")])
    [message] = mailbox.wait_for(1)
    assert message.get_all("X-RcptTo") == ["amy@example.com"]
    assert "not sent: 'root, x@evil.example' is not one address" in caplog.text
