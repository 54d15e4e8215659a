"""A real SMTP server on loopback (aiosmtpd) for the communication tests.

Import the fixture into a test module: ``from tests.communication_fixtures import smtp_server``.
The handler records every accepted message (recipient, Message-ID, subject, body, attachments as
(file name, bytes, MIME type)), can refuse the
first N DATA commands with ``451 try later``, and can *hold* the Nth accepted message (blocking
until released, then refusing it) so a test can kill the sending worker at a known point.
"""
import threading
from email import message_from_bytes
from email.policy import default as default_policy

import pytest
from aiosmtpd.controller import Controller

from tests.conftest import free_port


class RecordingHandler:
    def __init__(self):
        self.lock = threading.Lock()
        self.deliveries = []
        self.attempts = 0
        self.refuse_first = 0
        self.hold_at = None
        self.held = threading.Event()
        self.release = threading.Event()

    def reset(self):
        with self.lock:
            self.deliveries.clear()
            self.attempts = 0
            self.refuse_first = 0
            self.hold_at = None
            self.held.clear()
            self.release.clear()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.attempts += 1
            if self.attempts <= self.refuse_first:
                return "451 try later"
            hold = self.hold_at is not None and len(self.deliveries) + 1 == self.hold_at
        if hold:
            self.hold_at = None
            self.held.set()
            # Blocks the server's loop until the test has killed the sender mid-transaction.
            self.release.wait(timeout=120)
            return "451 try later"
        mail = message_from_bytes(envelope.content, policy=default_policy)
        body = mail.get_body(preferencelist=("plain",)) if mail.is_multipart() else mail
        attachments = [(part.get_filename(), part.get_content(), part.get_content_type())
                       for part in mail.iter_attachments()] if mail.is_multipart() else []
        with self.lock:
            for rcpt in envelope.rcpt_tos:
                self.deliveries.append({
                    "to": rcpt.lower(), "message_id": mail["Message-ID"],
                    "subject": str(mail["Subject"] or ""), "body": body.get_content(),
                    "attachments": attachments,
                })
        return "250 Message accepted for delivery"

    def addresses(self):
        with self.lock:
            return [d["to"] for d in self.deliveries]


@pytest.fixture
def smtp_server(app):
    """An aiosmtpd server on a free 127.0.0.1 port; the app's MAIL_* settings point at it for the
    test and are restored afterwards."""
    handler = RecordingHandler()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    saved = {key: app.config.get(key) for key in ("MAIL_SERVER", "MAIL_PORT", "MAIL_USE_TLS",
                                                  "MAIL_USERNAME")}
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_USE_TLS=False,
                      MAIL_USERNAME=None)
    handler.port = port
    try:
        yield handler
    finally:
        handler.release.set()
        controller.stop()
        app.config.update(saved)
