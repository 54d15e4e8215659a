"""A payment provider for the tests: a real HTTP server on 127.0.0.1 (werkzeug) speaking the
``http`` provider's protocol, started and stopped by the ``payment_provider`` fixture, which
also points the app's configuration at it (the webhook secret is made up per run)."""
import json
import secrets
import threading
from decimal import Decimal

import pytest
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from app.services.portal.providers import SIGNATURE_HEADER, sign


class LoopbackProvider:
    def __init__(self, secret):
        self.secret = secret
        self.checkouts = {}
        self.refunds = []
        self.url = None

    def wsgi(self, environ, start_response):
        request = Request(environ)
        parts = request.path.strip("/").split("/")
        if request.method == "POST" and parts == ["checkouts"]:
            body = json.loads(request.get_data())
            checkout_id = f"co_{len(self.checkouts) + 1}"
            self.checkouts[checkout_id] = dict(body, id=checkout_id, status="open")
            answer = {"id": checkout_id, "url": f"{self.url}/pay/{checkout_id}"}
        elif request.method == "POST" and len(parts) == 3 and parts[2] == "refund":
            self.refunds.append((parts[1], json.loads(request.get_data())["amount"]))
            answer = {"ok": True}
        elif request.method == "GET" and parts == ["checkouts"]:
            answer = [{"id": c["id"], "amount": c["paid"]} for c in self.checkouts.values()
                      if c["status"] == request.args.get("status")]
        else:
            return Response("not found", 404)(environ, start_response)
        return Response(json.dumps(answer), content_type="application/json")(environ,
                                                                            start_response)

    def pay(self, checkout_id, amount=None, status="paid", event_id=None):
        """The client pays at the provider; returns the signed webhook ``(body, headers)``."""
        checkout = self.checkouts[checkout_id]
        checkout["status"] = status
        checkout["paid"] = str(amount if amount is not None else Decimal(checkout["amount"]))
        body = json.dumps({"checkout_id": checkout_id, "status": status,
                           "amount": checkout["paid"],
                           "event_id": event_id or secrets.token_hex(8)}).encode()
        return body, {SIGNATURE_HEADER: sign(self.secret, body),
                      "Content-Type": "application/json"}


@pytest.fixture
def payment_provider(app):
    from tests.conftest import free_port

    provider = LoopbackProvider(secrets.token_hex(16))
    port = free_port()
    server = make_server("127.0.0.1", port, provider.wsgi, threaded=True)
    provider.url = f"http://127.0.0.1:{port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    saved = {k: app.config.get(k) for k in ("PAYMENT_PROVIDER", "PAYMENT_HTTP_URL",
                                             "PAYMENT_WEBHOOK_SECRET")}
    app.config.update(PAYMENT_PROVIDER="http", PAYMENT_HTTP_URL=provider.url,
                      PAYMENT_WEBHOOK_SECRET=provider.secret)
    try:
        yield provider
    finally:
        app.config.update(saved)
        server.shutdown()
        server.server_close()
        thread.join(5)
