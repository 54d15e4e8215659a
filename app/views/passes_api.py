"""REST API for sales: plans, passes (with ``red`` and the freeze / unfreeze / extend / refund /
sell actions), payments, and a client's balance."""
from datetime import date
from decimal import Decimal, InvalidOperation

from flask import current_app, g, request
from flask_appbuilder.api import BaseApi, expose, protect
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm.exc import StaleDataError

from app.extensions import db
from app.models.clients import Client
from app.models.passes import Pass, PassPlan, Payment
from app.services import bonuses, pass_plans, passes as service, payments
from app.services.errors import Conflict, DomainError, NotFound
from app.views.base import API_ACTIONS, TesseraModelApi
from app.views.passes import EagerInterface

READ_ONLY = {"get", "get_list", "info"}


def _error(api, exc):
    db.session.rollback()
    body = {"message": str(exc.message)}
    if exc.field:
        body["field"] = exc.field
    return api.response(exc.status_code, **body)


def _json():
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        raise DomainError(_l("A JSON object is expected."))
    return payload


def _json_decimal(payload, key, required=True):
    value = payload.get(key)
    if value is None and not required:
        return None
    if isinstance(value, float) or value is None or isinstance(value, bool):
        # floats lose cents: amounts travel as strings ("12.50") or integers
        raise DomainError(_l("Send the amount as a string like \"12.50\"."), field=key)
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise DomainError(_l("Please enter an amount like 12.50."), field=key)


def _json_date(payload, key):
    value = payload.get(key)
    try:
        return date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        raise DomainError(_l("Please enter a date like 2025-01-31."), field=key)


def _json_int(payload, key):
    try:
        return int(payload.get(key))
    except (TypeError, ValueError):
        raise DomainError(_l("A whole number is expected."), field=key)


def _run(api, action, success_code=200):
    """Run a service call as one transaction; domain refusals become JSON messages."""
    try:
        result = action()
        db.session.commit()
    except DomainError as exc:
        return _error(api, exc)
    except StaleDataError:
        return _error(api, Conflict(_l("This record was changed by someone else meanwhile; "
                                       "please try again.")))
    return api.response(success_code, **result)


def _pass_json(pass_):
    return {"id": pass_.id, "client_id": pass_.client_id, "plan_id": pass_.plan_id,
            "start_date": pass_.start_date.isoformat(), "end_date": pass_.end_date.isoformat(),
            "sessions_total": pass_.sessions_total, "sessions_used": pass_.sessions_used,
            "sessions_left": pass_.sessions_left, "price_paid": str(pass_.price_paid),
            "status": pass_.status}


class PassPlanApi(TesseraModelApi):
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

    def post_headless(self):
        try:
            return super().post_headless()
        except DomainError as exc:
            return _error(self, exc)

    def put_headless(self, pk):
        try:
            return super().put_headless(pk)
        except DomainError as exc:
            return _error(self, exc)


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
                                   "refund_reason"]
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
        def action():
            payload = _json()
            pass_ = service.sell_pass(
                _json_int(payload, "client_id"), _json_int(payload, "plan_id"),
                _json_date(payload, "start_date"),
                amount_paid=_json_decimal(payload, "amount_paid", required=False),
                method=payload.get("method", "cash"), taken_by_id=g.user.id,
                certificate_code=payload.get("certificate_code"))
            return {"result": _pass_json(pass_)}
        return _run(self, action, 201)

    @expose("/<int:pk>/freeze", methods=["POST"])
    @protect()
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
        def action():
            payload = _json()
            service.freeze_pass(pk, _json_date(payload, "start") or date.today(),
                                _json_int(payload, "days"))
            return {"result": _pass_json(db.session.get(Pass, pk))}
        return _run(self, action)

    @expose("/<int:pk>/unfreeze", methods=["POST"])
    @protect()
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
        return _run(self, lambda: {"result": _pass_json(service.unfreeze_pass(pk))})

    @expose("/<int:pk>/extend", methods=["POST"])
    @protect()
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
        def action():
            payload = _json()
            service.extend_pass(pk, _json_int(payload, "days"), payload.get("reason"),
                                granted_by_id=g.user.id)
            return {"result": _pass_json(db.session.get(Pass, pk))}
        return _run(self, action)

    @expose("/<int:pk>/refund", methods=["POST"])
    @protect()
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
        def action():
            payload = _json()
            payment = service.refund_pass(pk, payload.get("reason"),
                                          method=payload.get("method", "cash"),
                                          taken_by_id=g.user.id)
            return {"result": _pass_json(db.session.get(Pass, pk)),
                    "refunded": str(-payment.amount if payment else Decimal("0.00"))}
        return _run(self, action)


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

    def post_headless(self):
        def action():
            payload = _json()
            payment = payments.take_payment(
                _json_int(payload, "client_id"), _json_decimal(payload, "amount"),
                method=payload.get("method", "cash"), purpose=payload.get("purpose", "pass"),
                pass_id=payload.get("pass_id"), taken_by_id=g.user.id,
                reason=payload.get("reason"), certificate_code=payload.get("certificate_code"))
            db.session.flush()
            return {"id": payment.id, "result": {"amount": str(payment.amount),
                                                 "method": payment.method}}
        return _run(self, action, 201)


class ClientBalanceApi(BaseApi):
    """``GET /api/v1/client/<id>/balance`` — next to the client API, on its own class."""

    route_base = "/api/v1/client"
    class_permission_name = "Debt"
    method_permission_name = {"balance": "read"}
    allow_browser_login = True
    openapi_spec_tag = "Sales"

    @expose("/<int:pk>/balance", methods=["GET"])
    @protect()
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
            return _error(self, NotFound(_l("No such client.")))
        balance = payments.client_balance(pk)
        flags = service.client_flags([pk])[pk]
        return self.response(200, client_id=pk, balance=str(balance),
                             debt=str(max(balance, Decimal("0.00"))),
                             points=str(bonuses.bonus_balance(pk)),
                             currency=current_app.config.get("CURRENCY", "EUR"),
                             flags=sorted(flags))


def register(appbuilder):
    for api in (PassPlanApi, PassApi, PaymentApi, ClientBalanceApi):
        appbuilder.add_api(api)
