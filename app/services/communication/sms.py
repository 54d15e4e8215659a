"""SMS providers behind one small interface, picked by the ``SMS_PROVIDER`` setting.

- ``log`` (default): writes each SMS to the ``tessera.sms`` logger; nothing leaves the server.
- ``http``: a generic JSON-over-HTTPS gateway. ``SMS_HTTP_URL`` receives a POST with
  ``{"to": "+33…", "text": "…", "id": "<idempotency key>"}``, the header
  ``Authorization: Bearer <SMS_HTTP_TOKEN>`` and ``Idempotency-Key: <key>`` (gateways that honour
  it drop a repeated key, which covers the rare resend after a worker died mid-request). A 2xx
  answer is success; 429 and 5xx are temporary (retried later); other 4xx are permanent.
  Adapting to a real gateway means subclassing ``HttpSmsProvider`` and overriding ``payload``.

A provider's ``send`` raises ``TemporaryFailure`` or ``PermanentFailure`` (from
``app.services.communication.failures``) so the sender knows whether to retry.
"""
import json
import logging
import urllib.error
import urllib.request

from flask import current_app

from app.services.communication.failures import PermanentFailure, TemporaryFailure

log = logging.getLogger("tessera.sms")


class SmsProvider:
    name = "base"

    def send(self, to, text, idempotency_key):
        raise NotImplementedError


class LogSmsProvider(SmsProvider):
    """Writes the SMS to the log: the default, and what tests and demos use."""

    name = "log"
    sent = []  # the last messages, for the demo page and tests (bounded)

    def send(self, to, text, idempotency_key):
        log.info("SMS to %s [%s]: %s", to, idempotency_key, text)
        LogSmsProvider.sent.append((to, text, idempotency_key))
        del LogSmsProvider.sent[:-1000]


class HttpSmsProvider(SmsProvider):
    name = "http"

    def __init__(self, url, token, timeout=10):
        if not url:
            raise PermanentFailure("SMS_HTTP_URL is not set")
        self.url = url
        self.token = token
        self.timeout = timeout

    def payload(self, to, text, idempotency_key):
        return {"to": to, "text": text, "id": idempotency_key}

    def send(self, to, text, idempotency_key):
        body = json.dumps(self.payload(to, text, idempotency_key)).encode()
        request = urllib.request.Request(self.url, data=body, method="POST", headers={
            "Content-Type": "application/json",
            "Authorization": f"Bearer {self.token or ''}",
            "Idempotency-Key": idempotency_key,
        })
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                response.read()
        except urllib.error.HTTPError as exc:
            if exc.code == 429 or exc.code >= 500:
                raise TemporaryFailure(f"SMS gateway answered {exc.code}") from exc
            raise PermanentFailure(f"SMS gateway refused: {exc.code}") from exc
        except (urllib.error.URLError, OSError) as exc:
            raise TemporaryFailure(f"SMS gateway unreachable: {exc}") from exc


def sms_provider():
    """The configured provider (``SMS_PROVIDER``: ``log`` or ``http``)."""
    name = current_app.config.get("SMS_PROVIDER", "log")
    if name == "log":
        return LogSmsProvider()
    if name == "http":
        return HttpSmsProvider(current_app.config.get("SMS_HTTP_URL"),
                               current_app.config.get("SMS_HTTP_TOKEN"),
                               current_app.config.get("SMS_HTTP_TIMEOUT", 10))
    raise PermanentFailure(f"unknown SMS_PROVIDER {name!r}")
