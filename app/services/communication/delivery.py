"""Delivery transports: SMTP for email (one connection reused for a batch) and the SMS provider.

Each transport's ``send`` either returns (delivered) or raises ``TemporaryFailure`` (retry later:
4xx answers, timeouts, refused connections) or ``PermanentFailure`` (5xx answers: retrying would
not help). ``TemporaryFailure.connection`` tells the sender the server is unreachable, so the rest
of the batch is left for the retry instead of failing message after message.
"""
import smtplib
from email.message import EmailMessage
from email.utils import formataddr, formatdate

from flask import current_app

from app.services.communication.failures import (  # noqa: F401  (part of this API)
    DeliveryFailure, PermanentFailure, TemporaryFailure)


def message_id_header(idempotency_key):
    """The SMTP Message-ID of a message: derived from its idempotency key, so a resend after a
    crash carries the same id and receiving systems can drop the duplicate."""
    sender = current_app.config.get("MAIL_DEFAULT_SENDER") or "tessera@localhost"
    domain = sender.rsplit("@", 1)[-1].strip(">") or "localhost"
    return f"<{idempotency_key}@{domain}>"


def _classify(code, text):
    text = text.decode(errors="replace") if isinstance(text, bytes) else str(text)
    if 400 <= code < 500:
        return TemporaryFailure(f"{code} {text}")
    return PermanentFailure(f"{code} {text}")


class SmtpTransport:
    """Sends email over one SMTP connection, opened lazily and reopened after a drop."""

    def __init__(self, config=None):
        config = config or current_app.config
        self.host = config.get("MAIL_SERVER", "127.0.0.1")
        self.port = int(config.get("MAIL_PORT", 25))
        self.use_tls = bool(config.get("MAIL_USE_TLS"))
        self.username = config.get("MAIL_USERNAME")
        self.password = config.get("MAIL_PASSWORD")
        self.sender = config.get("MAIL_DEFAULT_SENDER") or "tessera@localhost"
        self.timeout = config.get("MAIL_TIMEOUT", 30)
        self._smtp = None

    def _connect(self):
        try:
            smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            if self.use_tls:
                smtp.starttls()
            if self.username:
                smtp.login(self.username, self.password or "")
        except smtplib.SMTPResponseException as exc:
            failure = _classify(exc.smtp_code, exc.smtp_error)
            failure.connection = True
            raise failure from exc
        except (OSError, smtplib.SMTPException) as exc:
            raise TemporaryFailure(f"SMTP server unreachable: {exc}", connection=True) from exc
        self._smtp = smtp

    def send(self, to, subject, body, idempotency_key, to_name=None, attachments=()):
        """Send one email; ``attachments`` are (file name, bytes, MIME type) triples."""
        if self._smtp is None:
            self._connect()
        mail = EmailMessage()
        mail["From"] = self.sender
        mail["To"] = formataddr((to_name or "", to))
        mail["Subject"] = subject or ""
        mail["Date"] = formatdate(localtime=True)
        mail["Message-ID"] = message_id_header(idempotency_key)
        mail.set_content(body or "")
        for filename, data, mime_type in attachments:
            maintype, _sep, subtype = mime_type.partition("/")
            mail.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
        try:
            self._smtp.send_message(mail)
        except smtplib.SMTPRecipientsRefused as exc:
            code, text = next(iter(exc.recipients.values()))
            raise _classify(code, text) from exc
        except smtplib.SMTPResponseException as exc:
            raise _classify(exc.smtp_code, exc.smtp_error) from exc
        except (OSError, smtplib.SMTPException) as exc:
            self.close()
            raise TemporaryFailure(f"SMTP connection lost: {exc}", connection=True) from exc

    def close(self):
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (OSError, smtplib.SMTPException):
                pass
            self._smtp = None


class SmsTransport:
    def __init__(self):
        from app.services.communication.sms import sms_provider

        self.provider = sms_provider()

    def send(self, to, subject, body, idempotency_key, to_name=None):
        self.provider.send(to, body, idempotency_key)

    def close(self):
        pass


class Transports:
    """The transports one batch uses, created on first need and closed at the end."""

    def __init__(self):
        self._open = {}

    def get(self, channel):
        if channel not in self._open:
            self._open[channel] = SmtpTransport() if channel == "email" else SmsTransport()
        return self._open[channel]

    def close(self):
        for transport in self._open.values():
            transport.close()
        self._open.clear()
