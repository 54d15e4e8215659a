"""Online payment providers behind one small interface, chosen by ``PAYMENT_PROVIDER``.

A provider creates a checkout (where the client is sent to pay), verifies the signature of its
webhooks, refunds, and lists the checkouts it saw paid (for the nightly reconciliation).
``none`` (the default) turns online payment off. ``http`` speaks a minimal JSON protocol to
``PAYMENT_HTTP_URL`` and signs/verifies webhooks with HMAC-SHA256 of the raw body under
``PAYMENT_WEBHOOK_SECRET`` (header ``X-Tessera-Signature``); the tests run it against a real
loopback server. No credentials live in the code: they come from the environment.
"""
import hashlib
import hmac
import json
import urllib.request
from decimal import Decimal

from flask import current_app
from flask_babel import lazy_gettext as _l

from app.services.platform import DomainError

SIGNATURE_HEADER = "X-Tessera-Signature"


class ProviderError(DomainError):
    status_code = 502


class BadSignature(DomainError):
    status_code = 400


class PaymentProvider:
    """The interface every provider implements."""

    name = "abstract"

    def create_checkout(self, reference, amount, currency, description, return_url):
        """Open a checkout; returns ``(provider checkout id, URL to send the client to)``."""
        raise NotImplementedError

    def verify_webhook(self, body, headers):
        """The event of a webhook whose signature is right (a dict with ``checkout_id``,
        ``status`` and ``amount`` as Decimal); raises ``BadSignature`` otherwise."""
        raise NotImplementedError

    def refund(self, checkout_id, amount):
        raise NotImplementedError

    def paid_checkouts(self):
        """``{provider checkout id: amount paid}`` of the checkouts paid at the provider."""
        raise NotImplementedError


def sign(secret, body):
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class HttpProvider(PaymentProvider):
    name = "http"

    def __init__(self, url, secret, timeout=10):
        self.url = url.rstrip("/")
        self.secret = secret
        self.timeout = timeout

    def _call(self, method, path, payload=None):
        data = json.dumps(payload).encode() if payload is not None else None
        request = urllib.request.Request(self.url + path, data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return json.loads(response.read() or b"null")
        except (OSError, ValueError) as exc:
            raise ProviderError(_l("The payment service is not answering; try again later."),
                                field="provider") from exc

    def create_checkout(self, reference, amount, currency, description, return_url):
        answer = self._call("POST", "/checkouts", {
            "reference": reference, "amount": str(amount), "currency": currency,
            "description": description, "return_url": return_url})
        return str(answer["id"]), answer["url"]

    def verify_webhook(self, body, headers):
        given = headers.get(SIGNATURE_HEADER, "")
        if not self.secret or not hmac.compare_digest(sign(self.secret, body), given):
            raise BadSignature(_l("The webhook signature is wrong."), field="signature")
        try:
            event = json.loads(body)
            return {"checkout_id": str(event["checkout_id"]), "status": event["status"],
                    "amount": Decimal(str(event["amount"]))}
        except (ValueError, KeyError, ArithmeticError) as exc:
            raise BadSignature(_l("The webhook is not understood."), field="body") from exc

    def refund(self, checkout_id, amount):
        self._call("POST", f"/checkouts/{checkout_id}/refund", {"amount": str(amount)})

    def paid_checkouts(self):
        return {str(row["id"]): Decimal(str(row["amount"]))
                for row in self._call("GET", "/checkouts?status=paid")}


def get_provider():
    """The configured provider, or None when online payment is off."""
    config = current_app.config
    name = config.get("PAYMENT_PROVIDER") or "none"
    if name == "http":
        return HttpProvider(config["PAYMENT_HTTP_URL"], config.get("PAYMENT_WEBHOOK_SECRET"))
    return None
