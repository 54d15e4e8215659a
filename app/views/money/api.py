"""REST API for sales: plans, passes (with ``red`` and the freeze / unfreeze / extend / refund /
sell actions), payments, and a client's balance."""
from datetime import date
from decimal import Decimal

from flask import current_app, g
from flask_appbuilder.api import BaseApi, expose, protect
from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.models.clients import Client
from app.models.passes import GiftCertificate, Pass, PassPlan, Payment
from app.services.money import bonuses, certificate_sales
from app.services.money import plans as pass_plans
from app.services.money import passes as service
from app.services.money import payments
from app.services.documents import payment_receipts
from app.services.platform import NotFound
from app.views.platform.api_support import (DomainErrorsApiMixin, api_action, idempotent, iso,
                                            json_body, json_date, json_decimal, json_int,
                                            json_str, money_json)
from app.views.platform.base import API_ACTIONS, TesseraModelApi
from app.views.platform.eager import EagerInterface

READ_ONLY = {"get", "get_list", "info"}


def _pass_json(pass_):
    return {"id": pass_.id, "client_id": pass_.client_id, "plan_id": pass_.plan_id,
            "start_date": iso(pass_.start_date), "end_date": iso(pass_.end_date),
            "sessions_total": pass_.sessions_total, "sessions_used": pass_.sessions_used,
            "sessions_left": pass_.sessions_left, "price_paid": money_json(pass_.price_paid),
            "status": pass_.status}


class PassPlanApi(DomainErrorsApiMixin, TesseraModelApi):
    resource_name = "passplan"
    datamodel = EagerInterface(PassPlan, eager=("services",))
    class_permission_name = "PassPlan"
    openapi_spec_tag = "Sales"
    list_columns = ["id", "name", "services.id", "services.name", "sessions", "validity_days",
                    "time_window", "price", "freezes_allowed", "freeze_days_allowed",
                    "low_balance_threshold", "active"]
    show_columns = list_columns
    add_columns = edit_columns = ["name", "services", "sessions", "validity_days",
                                  "time_window", "price", "freezes_allowed",
                                  "freeze_days_allowed", "low_balance_threshold", "active"]

    def pre_add(self, item):
        pass_plans.validate_plan(item)

    pre_update = pre_add

    def pre_delete(self, item):
        pass_plans.ensure_plan_deletable(item)


class PassApi(TesseraModelApi):
    """Passes (read) with a ``red`` flag; changes go through the action endpoints."""

    resource_name = "pass"
    datamodel = EagerInterface(Pass, eager=("client", "plan"))
    class_permission_name = "Pass"
    method_permission_name = {**API_ACTIONS, "freeze": "freeze", "unfreeze": "freeze",
                              "extend": "extend", "refund": "refund", "sell": "sell"}
    include_route_methods = READ_ONLY | {"freeze", "unfreeze", "extend", "refund", "sell"}
    openapi_spec_tag = "Sales"
    list_columns = ["id", "client_id", "client.last_name", "client.first_name", "plan_id",
                    "plan.name", "start_date", "end_date", "sessions_total", "sessions_used",
                    "price_paid", "status"]
    show_columns = list_columns + ["list_price", "discount_percent", "refunded_on",
                                   "refund_reason", "validity_days", "time_window",
                                   "freezes_allowed", "freeze_days_allowed", "services.id",
                                   "services.name"]
    search_columns = ["client", "plan", "status", "start_date", "end_date"]

    def _add_red(self, items):
        rows = [(item["id"], item["client_id"]) for item in items]
        red = service.red_pass_ids(rows)
        for item in items:
            item["red"] = item["id"] in red
            if item.get("sessions_total") is not None:
                item["sessions_left"] = max(item["sessions_total"] - item["sessions_used"], 0)
            else:
                item["sessions_left"] = None

    def pre_get_list(self, data):
        self._add_red(data["result"])

    def pre_get(self, data):
        self._add_red([data["result"]])

    @expose("/sell", methods=["POST"])
    @protect()
    @idempotent
    @api_action(201)
    def sell(self):
        """Sell a pass.
        ---
        post:
          requestBody:
            content:
              application/json:
                schema:
                  type: object
                  properties:
                    client_id: {type: integer}
                    plan_id: {type: integer}
                    start_date: {type: string, format: date}
                    amount_paid: {type: string, example: "50.00"}
                    method: {type: string}
                    certificate_code: {type: string}
          responses:
            201: {description: "the pass sold"}
            400: {description: "refused by a rule (message)"}
        """
        payload = json_body()
        pass_ = service.sell_pass(
            json_int(payload, "client_id"), json_int(payload, "plan_id"),
            json_date(payload, "start_date", required=False),
            amount_paid=json_decimal(payload, "amount_paid", required=False),
            method=json_str(payload, "method", required=False, default="cash"),
            taken_by_id=g.user.id,
            certificate_code=json_str(payload, "certificate_code", required=False))
        return {"result": _pass_json(pass_)}

    @expose("/<int:pk>/freeze", methods=["POST"])
    @protect()
    @idempotent
    @api_action()
    def freeze(self, pk):
        """Freeze a pass from ``start`` for ``days`` days.
        ---
        post:
          parameters:
          - {in: path, name: pk, schema: {type: integer}}
          requestBody:
            content:
              application/json:
                schema:
                  type: object
                  properties:
                    start: {type: string, format: date}
                    days: {type: integer}
          responses:
            200: {description: "the pass, with its new end date"}
            400: {description: "refused by the plan's limits (message)"}
            404: {description: "no such pass"}
        """
        payload = json_body()
        service.freeze_pass(pk, json_date(payload, "start", required=False) or date.today(),
                            json_int(payload, "days"))
        return {"result": _pass_json(db.session.get(Pass, pk))}

    @expose("/<int:pk>/unfreeze", methods=["POST"])
    @protect()
    @idempotent
    @api_action()
    def unfreeze(self, pk):
        """End the current freeze of a pass today.
        ---
        post:
          parameters:
          - {in: path, name: pk, schema: {type: integer}}
          responses:
            200: {description: "the pass"}
            400: {description: "no freeze to end"}
        """
        return {"result": _pass_json(service.unfreeze_pass(pk))}

    @expose("/<int:pk>/extend", methods=["POST"])
    @protect()
    @idempotent
    @api_action()
    def extend(self, pk):
        """Extend a pass by ``days`` with a ``reason``.
        ---
        post:
          parameters:
          - {in: path, name: pk, schema: {type: integer}}
          requestBody:
            content:
              application/json:
                schema:
                  type: object
                  properties:
                    days: {type: integer}
                    reason: {type: string}
          responses:
            200: {description: "the pass"}
            400: {description: "refused (message)"}
        """
        payload = json_body()
        service.extend_pass(pk, json_int(payload, "days"), json_str(payload, "reason"),
                            granted_by_id=g.user.id)
        return {"result": _pass_json(db.session.get(Pass, pk))}

    @expose("/<int:pk>/refund", methods=["POST"])
    @protect()
    @idempotent
    @api_action()
    def refund(self, pk):
        """Refund the unused part of a pass, pro rata, with a ``reason``.
        ---
        post:
          parameters:
          - {in: path, name: pk, schema: {type: integer}}
          requestBody:
            content:
              application/json:
                schema:
                  type: object
                  properties:
                    reason: {type: string}
                    method: {type: string}
          responses:
            200: {description: "the pass and the amount returned"}
            400: {description: "refused (message)"}
        """
        payload = json_body()
        payment = service.refund_pass(pk, json_str(payload, "reason"),
                                      method=json_str(payload, "method", required=False,
                                                      default="cash"),
                                      taken_by_id=g.user.id)
        return {"result": _pass_json(db.session.get(Pass, pk)),
                "refunded": money_json(-payment.amount if payment else Decimal("0.00"))}


class PaymentApi(TesseraModelApi):
    """Payments; POST takes a payment through the service (bonus points, certificates)."""

    resource_name = "payment"
    datamodel = EagerInterface(Payment, eager=("client",))
    class_permission_name = "Payment"
    include_route_methods = READ_ONLY | {"post"}
    openapi_spec_tag = "Sales"
    list_columns = ["id", "client_id", "client.last_name", "client.first_name", "amount",
                    "method", "purpose", "pass_id", "certificate_id", "taken_by_fk", "paid_at",
                    "reason"]
    show_columns = list_columns
    add_columns = ["client_id", "amount", "method", "purpose", "pass_id", "reason"]
    search_columns = ["client", "method", "purpose", "paid_at"]

    @idempotent
    @api_action(201)
    def post_headless(self):
        payload = json_body()
        payment = payments.take_payment(
            json_int(payload, "client_id"), json_decimal(payload, "amount"),
            method=json_str(payload, "method", required=False, default="cash"),
            purpose=json_str(payload, "purpose", required=False, default="pass"),
            pass_id=json_int(payload, "pass_id", required=False), taken_by_id=g.user.id,
            reason=json_str(payload, "reason", required=False),
            certificate_code=json_str(payload, "certificate_code", required=False))
        db.session.flush()
        receipt = payment_receipts([payment.id]).get(payment.id)
        return {"id": payment.id, "result": {
            "amount": money_json(payment.amount), "method": payment.method,
            "cash_shift_id": payment.cash_shift_id,
            "receipt": {"document_id": receipt.id, "number": receipt.number} if receipt else None}}


def _certificate_json(certificate):
    return {"id": certificate.id, "code": certificate.code,
            "initial_amount": money_json(certificate.initial_amount),
            "balance": money_json(certificate.balance),
            "buyer_id": certificate.buyer_client_id, "valid_until": iso(certificate.valid_until)}


class GiftCertificateApi(TesseraModelApi):
    """Gift certificates (read); a certificate is created only by selling it (``/sell``)."""

    resource_name = "giftcertificate"
    datamodel = EagerInterface(GiftCertificate, eager=("buyer",))
    class_permission_name = "GiftCertificate"
    method_permission_name = {**API_ACTIONS, "sell": "write"}
    include_route_methods = READ_ONLY | {"sell"}
    openapi_spec_tag = "Sales"
    list_columns = ["id", "code", "initial_amount", "balance", "buyer_client_id", "valid_until",
                    "active"]
    show_columns = list_columns
    search_columns = ["code", "buyer", "active"]

    @expose("/sell", methods=["POST"])
    @protect()
    @idempotent
    @api_action(201)
    def sell(self):
        """Sell a gift certificate to a client, paid at once.
        ---
        post:
          requestBody:
            content:
              application/json:
                schema:
                  type: object
                  properties:
                    buyer_id: {type: integer}
                    amount: {type: string, example: "50.00"}
                    method: {type: string, enum: [cash, card, transfer]}
                    code: {type: string}
                    valid_until: {type: string, format: date}
          responses:
            201: {description: "the certificate, with the buyer's charge and payment"}
            400: {description: "refused (message, field)"}
        """
        payload = json_body()
        certificate, charge, payment = certificate_sales.sell_certificate(
            json_int(payload, "buyer_id"), json_decimal(payload, "amount"),
            json_str(payload, "method"), code=json_str(payload, "code", required=False),
            valid_until=json_date(payload, "valid_until", required=False),
            taken_by_id=g.user.id)
        return {"result": _certificate_json(certificate),
                "charge": {"id": charge.id, "amount": money_json(charge.amount),
                           "kind": charge.kind},
                "payment": {"id": payment.id, "amount": money_json(payment.amount),
                            "method": payment.method}}


class ClientBalanceApi(BaseApi):
    """``GET /api/v1/client/<id>/balance`` — next to the client API, on its own class."""

    route_base = "/api/v1/client"
    class_permission_name = "Debt"
    method_permission_name = {"balance": "read"}
    allow_browser_login = True
    openapi_spec_tag = "Sales"

    @expose("/<int:pk>/balance", methods=["GET"])
    @protect()
    @api_action()
    def balance(self, pk):
        """A client's balance (charges − payments; positive = owes), debt and bonus points.
        ---
        get:
          parameters:
          - {in: path, name: pk, schema: {type: integer}}
          responses:
            200: {description: "balance, debt, points, currency, flags"}
            404: {description: "no such client"}
        """
        if db.session.get(Client, pk) is None:
            raise NotFound(_l("No such client."))
        balance = payments.client_balance(pk)
        flags = service.client_flags([pk])[pk]
        return {"client_id": pk, "balance": money_json(balance),
                "debt": money_json(max(balance, Decimal("0.00"))),
                "points": str(bonuses.bonus_balance(pk)),
                "currency": current_app.config.get("CURRENCY", "EUR"), "flags": sorted(flags)}


def register(appbuilder):
    for api in (PassPlanApi, PassApi, PaymentApi, GiftCertificateApi, ClientBalanceApi):
        appbuilder.add_api(api)
