"""Stock as FAB views: suppliers, products, movements (read; made by the pages and actions),
purchase requests (receive / cancel), desk sales (read, receipt, return) and loans (return);
the hand-written pages are in ``pages`` and the REST API in ``api``."""
from flask import g, redirect, request, url_for
from flask_appbuilder import expose, has_access
from flask_babel import gettext as _, lazy_gettext as _l

from app.extensions import db
from app.formatting import money
from app.models.stock import Loan, Product, PurchaseRequest, Sale, StockMovement, Supplier
from app.services.documents import sale_documents
from app.services.platform import DomainError
from app.services.stock import lending, products, purchasing
from app.services.stock import sales as sales_service
from app.views.platform.base import MODELVIEW_ACTIONS, TesseraModelView, add_menu_view
from app.views.platform.eager import EagerInterface, TesseraInterface
from app.views.stock.common import run_action
from app.views.stock.labels import (KIND_LABELS, LABELS, REQUEST_STATUS_LABELS,
                                    SALE_STATUS_LABELS, label)

STOCK = "Stock"
STOCK_LABEL = _l("Stock")
AUDIT_COLUMNS = ["created_by", "created_on", "changed_by", "changed_on"]


class SupplierModelView(TesseraModelView):
    datamodel = TesseraInterface(Supplier)
    class_permission_name = "Supplier"
    route_base = "/supplier"
    list_title = _l("Suppliers")
    show_title = _l("Supplier")
    add_title = _l("New supplier")
    edit_title = _l("Edit supplier")
    label_columns = LABELS
    list_columns = ["name", "contact_person", "email", "phone"]
    add_columns = edit_columns = ["name", "contact_person", "email", "phone", "note"]
    show_columns = add_columns + AUDIT_COLUMNS
    search_columns = ["name", "contact_person", "email", "phone"]
    base_order = ("name", "asc")

    def pre_add(self, item):
        products.validate_supplier(item)

    pre_update = pre_add


class ProductModelView(TesseraModelView):
    datamodel = EagerInterface(Product, eager=("supplier",))
    class_permission_name = "Product"
    route_base = "/product"
    list_title = _l("Products")
    show_title = _l("Product")
    add_title = _l("New product")
    edit_title = _l("Edit product")
    label_columns = LABELS
    list_columns = ["name", "sku", "barcode", "unit", "sale_price", "cost", "on_hand",
                    "min_stock", "supplier", "active"]
    add_columns = edit_columns = ["name", "sku", "barcode", "unit", "sale_price", "cost",
                                  "min_stock", "reorder_quantity", "supplier", "active"]
    show_columns = ["name", "sku", "barcode", "unit", "sale_price", "cost", "on_hand",
                    "min_stock", "reorder_quantity", "supplier", "active"] + AUDIT_COLUMNS
    search_columns = ["name", "sku", "barcode", "supplier", "active"]
    formatters_columns = {"sale_price": money, "cost": money}
    base_order = ("name", "asc")

    def pre_add(self, item):
        products.validate_product(item)

    pre_update = pre_add


class StockMovementModelView(TesseraModelView):
    """Movements are made by receipts, sales, lending and the stock-take; here they are read."""

    datamodel = EagerInterface(StockMovement, eager=("product", "client", "created_by"))
    class_permission_name = "StockMovement"
    include_route_methods = {"list", "show"}
    route_base = "/stockmovement"
    list_title = _l("Stock movements")
    show_title = _l("Stock movement")
    label_columns = LABELS
    list_columns = ["at", "kind", "product", "quantity", "unit_price", "client", "created_by",
                    "reason"]
    show_columns = ["at", "kind", "product", "quantity", "unit_price", "client", "due_date",
                    "reason", "note", "sale_id", "loan_id", "purchase_request_id", "created_by"]
    # no client filter here: it would list every client (the report page filters by client)
    search_columns = ["kind", "product", "at", "created_by"]
    formatters_columns = {"kind": label(KIND_LABELS), "unit_price": money}
    base_order = ("at", "desc")


class PurchaseRequestModelView(TesseraModelView):
    datamodel = EagerInterface(PurchaseRequest, eager=("product", "supplier"))
    class_permission_name = "PurchaseRequest"
    include_route_methods = {"list", "show", "receive", "cancel"}
    method_permission_name = {**MODELVIEW_ACTIONS, "receive": "write", "cancel": "write"}
    route_base = "/purchaserequest"
    list_title = _l("Purchase requests")
    show_title = _l("Purchase request")
    show_template = "stock/purchase_request_show.html"
    label_columns = LABELS
    list_columns = ["created_on", "product", "supplier", "quantity", "status", "sent_at",
                    "received_on"]
    show_columns = ["product", "supplier", "quantity", "status", "sent_at", "received_on",
                    "note"] + AUDIT_COLUMNS
    search_columns = ["product", "supplier", "status"]
    formatters_columns = {"status": label(REQUEST_STATUS_LABELS)}
    base_order = ("id", "desc")

    @expose("/show/<pk>", methods=["GET"])
    @has_access
    def show(self, pk):
        widgets = self._show(pk)
        item = db.session.get(PurchaseRequest, int(pk))
        return self.render_template(self.show_template, pk=pk, title=self.show_title,
                                    widgets=widgets, related_views=self._related_views,
                                    item=item)

    @expose("/<int:pk>/receive", methods=["POST"])
    @has_access
    def receive(self, pk):
        quantity = request.form.get("quantity") or None
        return run_action(lambda: purchasing.receive_request(pk, quantity),
                          _("The goods were received into stock."),
                          url_for("PurchaseRequestModelView.show", pk=pk))

    @expose("/<int:pk>/cancel", methods=["POST"])
    @has_access
    def cancel(self, pk):
        return run_action(lambda: purchasing.cancel_request(pk, request.form.get("note")),
                          _("The purchase request was cancelled."),
                          url_for("PurchaseRequestModelView.show", pk=pk))


class SaleModelView(TesseraModelView):
    """Desk sales are made on the shop page; here they are read, printed and returned."""

    datamodel = EagerInterface(Sale, eager=("client",))
    class_permission_name = "Sale"
    include_route_methods = {"list", "show", "receipt", "return_sale"}
    method_permission_name = {**MODELVIEW_ACTIONS, "receipt": "read", "return_sale": "return"}
    route_base = "/sale"
    list_title = _l("Shop sales")
    show_title = _l("Sale")
    label_columns = LABELS
    list_columns = ["sold_at", "client", "total", "paid", "status", "created_by"]
    show_columns = ["sold_at", "client", "subtotal", "discount_percent", "total", "paid",
                    "status", "returned_on", "return_reason", "created_by"]
    search_columns = ["sold_at", "status"]
    formatters_columns = {"total": money, "paid": money, "subtotal": money,
                          "status": label(SALE_STATUS_LABELS)}
    base_order = ("sold_at", "desc")

    @expose("/show/<pk>", methods=["GET"])
    @has_access
    def show(self, pk):
        return redirect(url_for("SaleModelView.receipt", pk=pk))

    @expose("/<int:pk>/receipt", methods=["GET"])
    @has_access
    def receipt(self, pk):
        """The plain printable receipt."""
        from app.views.stock.labels import METHOD_LABELS

        try:
            sale = sales_service.get_sale(pk)
        except DomainError:
            from flask import abort

            abort(404)
        receipts = sale_documents(sale.id)
        return self.render_template("stock/receipt.html", title=_("Receipt"), sale=sale,
                                    method_labels=METHOD_LABELS,
                                    status_labels=SALE_STATUS_LABELS,
                                    document=receipts[0] if receipts else None)

    @expose("/<int:pk>/return", methods=["POST"])
    @has_access
    def return_sale(self, pk):
        return run_action(
            lambda: sales_service.return_sale(pk, request.form.get("reason"),
                                              taken_by_id=g.user.id),
            _("The receipt is returned: goods back in stock, passes refunded and the money "
              "reversed."),
            url_for("SaleModelView.receipt", pk=pk))


class LoanModelView(TesseraModelView):
    """Loans are made on the lending page; here they are listed and returned."""

    datamodel = EagerInterface(Loan, eager=("product", "client"))
    class_permission_name = "Loan"
    include_route_methods = {"list", "return_loan"}
    method_permission_name = {**MODELVIEW_ACTIONS, "return_loan": "write"}
    route_base = "/loan"
    list_title = _l("Lent items")
    label_columns = LABELS
    list_columns = ["product", "client", "quantity", "issued_on", "due_date", "returned_on"]
    search_columns = ["product", "issued_on", "due_date", "returned_on"]
    base_order = ("due_date", "asc")

    @expose("/<int:pk>/return", methods=["POST"])
    @has_access
    def return_loan(self, pk):
        return run_action(lambda: lending.return_loan(pk), _("The item is back in stock."),
                          request.referrer or url_for("LendingView.index"))


def register(appbuilder):
    from app.views.stock import api as stock_api
    from app.views.stock import pages as stock_pages

    stock_pages.register(appbuilder, STOCK, STOCK_LABEL)
    for view, name, label_, icon in (
        (ProductModelView, "Products", _l("Products"), "fa-cube"),
        (SupplierModelView, "Suppliers", _l("Suppliers"), "fa-truck"),
        (StockMovementModelView, "Stock movements", _l("Stock movements"), "fa-exchange"),
        (PurchaseRequestModelView, "Purchase requests", _l("Purchase requests"), "fa-envelope"),
        (SaleModelView, "Shop sales", _l("Shop sales"), "fa-list"),
        (LoanModelView, "Lent items", _l("Lent items"), "fa-book"),
    ):
        add_menu_view(appbuilder, view, name, STOCK, icon=icon, label=label_,
                      category_label=STOCK_LABEL)
    stock_api.register(appbuilder)
