"""REST API for stock: products, suppliers, movements (read; receipts, write-offs and
corrections through ``POST``), desk sales with their return, purchase requests (receive /
cancel) and loans (lend / return). Refusals are JSON with a translated message naming the field.
"""
from flask import g
from flask_babel import lazy_gettext as _l
from flask_appbuilder.api import expose, protect

from app.extensions import db
from app.models.stock import Loan, Product, PurchaseRequest, Sale, StockMovement, Supplier
from app.services.documents import sale_documents
from app.services.platform import DomainError
from app.services.stock import lending, movements, products, purchasing
from app.services.stock import sales as sales_service
from app.views.platform.api_support import (DomainErrorsApiMixin, api_action, iso, json_body,
                                            json_date, json_decimal, json_int, money_json)
from app.views.platform.base import API_ACTIONS, TesseraModelApi
from app.views.platform.eager import EagerInterface

READ_ONLY = {"get", "get_list", "info"}
TAG = "Stock"


def _after_commit(response):
    from app.jobs.stock import enqueue_new_purchase_requests

    if 200 <= response.status_code < 300:
        enqueue_new_purchase_requests(user_id=g.user.id if g.get("user") else None)
    else:
        purchasing.take_new_requests()  # rolled back: nothing to email
    return response


def _movement_json(m):
    return {"id": m.id, "kind": m.kind, "product_id": m.product_id, "quantity": m.quantity,
            "unit_price": money_json(m.unit_price), "client_id": m.client_id, "at": iso(m.at),
            "reason": m.reason, "due_date": iso(m.due_date), "sale_id": m.sale_id,
            "loan_id": m.loan_id, "purchase_request_id": m.purchase_request_id}


def _sale_json(sale):
    return {"id": sale.id, "client_id": sale.client_id, "sold_at": iso(sale.sold_at),
            "status": sale.status, "subtotal": money_json(sale.subtotal),
            "discount_percent": str(sale.discount_percent), "total": money_json(sale.total),
            "paid": money_json(sale.paid),
            "due": money_json(max(sale.total - sale.paid, 0)) if sale.status == "done" else "0.00",
            "lines": [{"product_id": line.product_id, "pass_id": line.pass_id,
                       "quantity": line.quantity,
                       "unit_price": money_json(line.unit_price),
                       "amount": money_json(line.amount)} for line in sale.lines],
            "payments": [{"method": p.method, "amount": money_json(p.amount),
                          "payment_id": p.payment_id} for p in sale.payments],
            "receipt": next(({"document_id": d.id, "number": d.number}
                             for d in sale_documents(sale.id)), None)}


def _loan_json(loan):
    return {"id": loan.id, "product_id": loan.product_id, "client_id": loan.client_id,
            "quantity": loan.quantity, "issued_on": iso(loan.issued_on),
            "due_date": iso(loan.due_date), "returned_on": iso(loan.returned_on)}


def _request_json(item):
    return {"id": item.id, "product_id": item.product_id, "supplier_id": item.supplier_id,
            "quantity": item.quantity, "status": item.status, "sent_at": iso(item.sent_at),
            "received_on": iso(item.received_on)}


def _list_of_objects(payload, key):
    value = payload.get(key)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise DomainError(_l("%(field)s must be a list of objects.", field=key), field=key)
    return value


class SupplierApi(DomainErrorsApiMixin, TesseraModelApi):
    resource_name = "supplier"
    datamodel = EagerInterface(Supplier)
    class_permission_name = "Supplier"
    openapi_spec_tag = TAG
    list_columns = ["id", "name", "contact_person", "email", "phone", "note"]
    show_columns = list_columns
    add_columns = edit_columns = ["name", "contact_person", "email", "phone", "note"]
    search_columns = ["name", "email"]

    def pre_add(self, item):
        products.validate_supplier(item)

    pre_update = pre_add


class ProductApi(DomainErrorsApiMixin, TesseraModelApi):
    """Products; ``on_hand`` is the stock (the sum of the movements, kept with each one)."""

    resource_name = "product"
    datamodel = EagerInterface(Product, eager=("supplier",))
    class_permission_name = "Product"
    openapi_spec_tag = TAG
    list_columns = ["id", "name", "sku", "barcode", "unit", "sale_price", "cost", "min_stock",
                    "reorder_quantity", "supplier_id", "supplier.name", "active", "on_hand"]
    show_columns = list_columns
    add_columns = edit_columns = ["name", "sku", "barcode", "unit", "sale_price", "cost",
                                  "min_stock", "reorder_quantity", "supplier", "active"]
    search_columns = ["name", "sku", "barcode", "supplier", "active"]

    def pre_add(self, item):
        products.validate_product(item)

    pre_update = pre_add


class StockMovementApi(TesseraModelApi):
    """Movements (read); ``POST /`` records a receipt, a write-off or a stock-take correction
    (sales, issues and returns come from their own endpoints)."""

    resource_name = "stockmovement"
    datamodel = EagerInterface(StockMovement, eager=("product",))
    class_permission_name = "StockMovement"
    method_permission_name = {**API_ACTIONS, "record": "write"}
    include_route_methods = READ_ONLY | {"record"}
    openapi_spec_tag = TAG
    list_columns = ["id", "kind", "product_id", "product.name", "quantity", "unit_price",
                    "client_id", "at", "reason", "due_date", "sale_id", "loan_id",
                    "purchase_request_id", "created_by_fk"]
    show_columns = list_columns
    search_columns = ["kind", "product", "client", "at", "created_by"]

    @expose("/", methods=["POST"])
    @protect()
    def record(self):
        """Record a receipt, a write-off (with a reason) or a correction (signed quantity).
        ---
        post:
          requestBody:
            content:
              application/json:
                schema:
                  type: object
                  properties:
                    kind: {type: string, enum: [receipt, write_off, correction]}
                    product_id: {type: integer}
                    quantity: {type: integer}
                    unit_cost: {type: string, example: "1.20"}
                    reason: {type: string}
                    note: {type: string}
          responses:
            201: {description: "the movement"}
            400: {description: "refused by a rule (message, field)"}
            404: {description: "no such product"}
        """
        return _after_commit(self._record())

    @api_action(201)
    def _record(self):
        payload = json_body()
        kind = payload.get("kind")
        product_id = json_int(payload, "product_id")
        quantity = json_int(payload, "quantity")
        if kind == "receipt":
            movement = movements.receive(product_id, quantity,
                                         unit_cost=json_decimal(payload, "unit_cost", False),
                                         note=payload.get("note"))
        elif kind in ("write_off", "correction"):
            movement = movements.move(product_id, kind, quantity, reason=payload.get("reason"),
                                      note=payload.get("note"))
            purchasing.reorder_if_low([product_id])
        else:
            raise DomainError(_l("kind must be receipt, write_off or correction."), field="kind")
        return {"result": _movement_json(movement)}


class SaleApi(TesseraModelApi):
    """Desk sales: ``POST /`` sells one receipt, ``POST /<id>/return`` takes it back."""

    resource_name = "sale"
    datamodel = EagerInterface(Sale)
    class_permission_name = "Sale"
    method_permission_name = {**API_ACTIONS, "sell": "write", "return_sale": "return"}
    include_route_methods = READ_ONLY | {"sell", "return_sale"}
    openapi_spec_tag = TAG
    list_columns = ["id", "client_id", "sold_at", "subtotal", "discount_percent", "total",
                    "paid", "status", "returned_on", "return_reason"]
    show_columns = list_columns
    search_columns = ["client", "sold_at", "status"]

    @expose("/", methods=["POST"])
    @protect()
    def sell(self):
        """Sell products on one receipt.
        ---
        post:
          requestBody:
            content:
              application/json:
                schema:
                  type: object
                  properties:
                    client_id: {type: integer}
                    lines:
                      type: array
                      items:
                        type: object
                        properties:
                          product_id: {type: integer}
                          quantity: {type: integer}
                          plan_id: {type: integer, description: "a pass line instead"}
                    payments:
                      type: array
                      items:
                        type: object
                        properties:
                          method: {type: string, example: cash}
                          amount: {type: string, example: "12.50"}
                          certificate_code: {type: string}
          responses:
            201: {description: "the sale with its lines, totals and payments"}
            400: {description: "refused by a rule (message, field)"}
            404: {description: "no such product or client"}
        """
        return _after_commit(self._sell())

    @api_action(201)
    def _sell(self):
        payload = json_body()
        sale = sales_service.sell(_list_of_objects(payload, "lines"),
                                  client_id=json_int(payload, "client_id", required=False),
                                  payments=_list_of_objects(payload, "payments"),
                                  taken_by_id=g.user.id)
        return {"result": _sale_json(sale)}

    @expose("/<int:pk>/return", methods=["POST"])
    @protect()
    @api_action()
    def return_sale(self, pk):
        """Return a whole receipt: goods back in stock, a pass refunded by its rule, the money
        reversed (409 when a pass on it is used up, expired or refunded).
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
          responses:
            200: {description: "the sale, returned"}
            400: {description: "a reason is required"}
            404: {description: "no such sale"}
            409: {description: "already returned, or a pass on it cannot be refunded"}
        """
        payload = json_body(optional=True)
        sale = sales_service.return_sale(pk, payload.get("reason"), taken_by_id=g.user.id)
        return {"result": _sale_json(sale)}


class PurchaseRequestApi(TesseraModelApi):
    resource_name = "purchaserequest"
    datamodel = EagerInterface(PurchaseRequest, eager=("product", "supplier"))
    class_permission_name = "PurchaseRequest"
    method_permission_name = {**API_ACTIONS, "receive": "write", "cancel": "write"}
    include_route_methods = READ_ONLY | {"receive", "cancel"}
    openapi_spec_tag = TAG
    list_columns = ["id", "product_id", "product.name", "supplier_id", "supplier.name",
                    "quantity", "status", "sent_at", "received_on", "note", "created_on"]
    show_columns = list_columns
    search_columns = ["product", "supplier", "status"]

    @expose("/<int:pk>/receive", methods=["POST"])
    @protect()
    @api_action()
    def receive(self, pk):
        """Receive the goods of a request (its quantity unless told otherwise); closes it.
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
                    quantity: {type: integer}
                    unit_cost: {type: string}
          responses:
            200: {description: "the request, received, and the receipt movement"}
            404: {description: "no such request"}
            409: {description: "already closed"}
        """
        payload = json_body(optional=True)
        movement = purchasing.receive_request(
            pk, json_int(payload, "quantity", required=False),
            unit_cost=json_decimal(payload, "unit_cost", required=False))
        return {"result": _request_json(db.session.get(PurchaseRequest, pk)),
                "movement": _movement_json(movement)}

    @expose("/<int:pk>/cancel", methods=["POST"])
    @protect()
    @api_action()
    def cancel(self, pk):
        """Close a request without goods.
        ---
        post:
          parameters:
          - {in: path, name: pk, schema: {type: integer}}
          responses:
            200: {description: "the request, cancelled"}
            404: {description: "no such request"}
            409: {description: "already closed"}
        """
        payload = json_body(optional=True)
        return {"result": _request_json(purchasing.cancel_request(pk, payload.get("note")))}


class LoanApi(TesseraModelApi):
    """Loans: ``POST /`` lends an item, ``POST /<id>/return`` takes it back."""

    resource_name = "loan"
    datamodel = EagerInterface(Loan, eager=("product",))
    class_permission_name = "Loan"
    method_permission_name = {**API_ACTIONS, "lend": "write", "return_loan": "write"}
    include_route_methods = READ_ONLY | {"lend", "return_loan"}
    openapi_spec_tag = TAG
    list_columns = ["id", "product_id", "product.name", "client_id", "quantity", "issued_on",
                    "due_date", "returned_on"]
    show_columns = list_columns
    search_columns = ["product", "client", "due_date", "returned_on"]

    @expose("/", methods=["POST"])
    @protect()
    def lend(self):
        """Lend a product to a client until a due date.
        ---
        post:
          requestBody:
            content:
              application/json:
                schema:
                  type: object
                  properties:
                    product_id: {type: integer}
                    client_id: {type: integer}
                    due_date: {type: string, format: date}
                    quantity: {type: integer}
          responses:
            201: {description: "the loan"}
            400: {description: "refused by a rule (message, field)"}
            404: {description: "no such product or client"}
        """
        return _after_commit(self._lend())

    @api_action(201)
    def _lend(self):
        payload = json_body()
        loan = lending.lend(json_int(payload, "product_id"), json_int(payload, "client_id"),
                            json_date(payload, "due_date"),
                            quantity=json_int(payload, "quantity", required=False) or 1)
        return {"result": _loan_json(loan)}

    @expose("/<int:pk>/return", methods=["POST"])
    @protect()
    @api_action()
    def return_loan(self, pk):
        """The client brought the item back.
        ---
        post:
          parameters:
          - {in: path, name: pk, schema: {type: integer}}
          responses:
            200: {description: "the loan, returned"}
            404: {description: "no such loan"}
            409: {description: "already returned, or a pass on it cannot be refunded"}
        """
        return {"result": _loan_json(lending.return_loan(pk))}


def register(appbuilder):
    for api in (ProductApi, SupplierApi, StockMovementApi, SaleApi, PurchaseRequestApi,
                LoanApi):
        appbuilder.add_api(api)
