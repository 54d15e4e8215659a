"""Hand-written stock pages: stock levels and low stock, receipts / write-offs / stock-take, the
shop desk (one receipt), lending (with its own client lookup: name and card number only), the
stock reports; plus the client card's "Items lent" section."""
from datetime import date, timedelta

from flask import flash, g, jsonify, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _, lazy_gettext as _l
from sqlalchemy import select

from app.extensions import db
from app.models.clients import Client
from app.models.passes import PassPlan
from app.models.stock import Product
from app.security import role_can
from app.services.clients import register_card_section
from app.services.platform import DomainError
from app.services.stock import lending, movements, products, purchasing
from app.services.stock import sales as sales_service
from app.views.platform.api_support import arg_date, arg_int
from app.views.platform.base import add_menu_link, add_menu_view
from app.views.stock.common import after_stock_out
from app.views.stock.labels import KIND_LABELS, METHOD_LABELS

LEVELS_PAGE = 100
DESK_METHODS = ("cash", "card", "transfer", "bonus", "certificate")


def _can(action, resource):
    return any(role_can(role.name, action, resource) for role in g.user.roles)


def _int(value, field):
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        raise DomainError(_l("Please enter a whole number."), field=field) from None


def _quantity(value):
    try:
        return max(int(value), 0)
    except (TypeError, ValueError):
        return 0


def _client_brief(client_id):
    """Name, card number and discount of the chosen client, nothing else."""
    if not client_id:
        return None
    row = db.session.execute(
        select(Client.id, Client.first_name, Client.last_name, Client.card_number,
               Client.discount_percent).where(Client.id == client_id)).first()
    if row is None:
        return None
    return {"id": row.id, "name": f"{row.first_name} {row.last_name}",
            "card_number": row.card_number, "discount_percent": row.discount_percent}


def _active_products():
    return list(db.session.scalars(
        select(Product).where(Product.active.is_(True)).order_by(Product.name)))


class StockLevelsView(BaseView):
    """The product list with stock levels (one query) and the low-stock list."""

    route_base = "/stock"
    class_permission_name = "Product"
    method_permission_name = {"levels": "read", "low": "read"}
    default_view = "levels"

    @expose("/levels")
    @has_access
    def levels(self):
        q = request.args.get("q", "").strip()
        page = max(arg_int(request.args.get("page")) or 0, 0)
        rows = products.product_rows(search=q, limit=LEVELS_PAGE + 1,
                                     offset=page * LEVELS_PAGE)
        return self.render_template("stock/levels.html", title=_("Stock levels"),
                                    rows=rows[:LEVELS_PAGE], q=q, low_only=False, page=page,
                                    more=len(rows) > LEVELS_PAGE,
                                    open_requests=purchasing.count_open_requests())

    @expose("/low")
    @has_access
    def low(self):
        requests = {r.product_id: r for r in purchasing.open_requests()}
        return self.render_template("stock/levels.html", title=_("Low stock"),
                                    rows=products.low_stock(), q="", low_only=True,
                                    requests=requests, open_requests=len(requests))


class StockDeskView(BaseView):
    """Receipts from suppliers, write-offs and the stock-take: every form keeps what was typed
    when a rule refuses it."""

    route_base = "/stock/desk"
    class_permission_name = "StockMovement"
    method_permission_name = {"receive": "write", "write_off": "write", "stocktake": "write"}
    default_view = "receive"

    def _movement_form(self, template, title, action, success):
        form = request.form
        if request.method == "POST":
            try:
                action(form)
                db.session.commit()
                after_stock_out()
                flash(success, "success")
                return redirect(request.path)
            except DomainError as exc:
                db.session.rollback()
                flash(str(exc.message), "danger")
        return self.render_template(template, title=title, products=_active_products(),
                                    form=form)

    @expose("/receive", methods=["GET", "POST"])
    @has_access
    def receive(self):
        def action(form):
            cost = form.get("unit_cost", "").replace(",", ".").strip() or None
            movements.receive(_int(form.get("product_id"), "product_id"),
                              _int(form.get("quantity"), "quantity"), unit_cost=cost,
                              note=form.get("note") or None)
        return self._movement_form("stock/receive.html", _("Receive goods"), action,
                                   _("The goods were received into stock."))

    @expose("/write-off", methods=["GET", "POST"])
    @has_access
    def write_off(self):
        def action(form):
            product_id = _int(form.get("product_id"), "product_id")
            movements.write_off(product_id, _int(form.get("quantity"), "quantity"),
                                form.get("reason"))
            purchasing.reorder_if_low([product_id])
        return self._movement_form("stock/write_off.html", _("Write off"), action,
                                   _("The goods were written off."))

    @expose("/stocktake", methods=["GET", "POST"])
    @has_access
    def stocktake(self):
        """Counted quantities become corrections; an empty field means "not counted"."""
        rows = products.product_rows()
        form = request.form
        if request.method == "POST":
            try:
                counted = {}
                for product, _supplier, _level in rows:
                    value = form.get(f"count_{product.id}", "").strip()
                    if value:
                        counted[product.id] = _int(value, f"count_{product.id}")
                made = movements.stock_take(counted)
                purchasing.reorder_if_low([m.product_id for m in made])
                db.session.commit()
                after_stock_out()
                flash(_("Stock-take saved: %(count)s correction(s).", count=len(made)), "success")
                return redirect(url_for("StockLevelsView.levels"))
            except DomainError as exc:
                db.session.rollback()
                flash(str(exc.message), "danger")
                rows = products.product_rows()
        return self.render_template("stock/stocktake.html", title=_("Stock-take"), rows=rows,
                                    form=form)


def _client_lookup_json():
    return jsonify({"result": lending.lending_lookup(request.args.get("q", ""))})


class ShopView(BaseView):
    """The shop desk: one receipt of products (scan a barcode or search by name), the client's
    discount, payments by method; partial payment leaves a debt."""

    route_base = "/shop"
    class_permission_name = "Sale"
    method_permission_name = {"sell": "write", "products": "read", "clients": "write"}
    default_view = "sell"

    @expose("/products")
    @has_access
    def products(self):
        """Barcode / SKU / name lookup for the desk (JSON)."""
        found = products.find_product(request.args.get("q", ""))
        return jsonify({"result": [
            {"id": p.id, "name": p.name, "sku": p.sku, "barcode": p.barcode,
             "price": str(p.sale_price), "on_hand": p.on_hand} for p in found]})

    @expose("/clients")
    @has_access
    def clients(self):
        """Client lookup for the desk: name and card number only (JSON)."""
        return _client_lookup_json()

    @expose("/sell", methods=["GET", "POST"])
    @has_access
    def sell(self):
        form = request.form
        lines = []
        if request.method == "POST":
            product_ids = form.getlist("product_id")
            quantities = form.getlist("quantity")
            lines = [{"product_id": pid, "quantity": qty or 1}
                     for pid, qty in zip(product_ids, quantities)
                     if pid and (qty or "").strip() != "0"]  # 0 removes the line
            scanned = form.get("scan", "").strip()
            if scanned and form.get("action") != "sell":
                found = products.find_product(scanned)
                if len(found) == 1:
                    lines.append({"product_id": str(found[0].id), "quantity": "1"})
                elif not found:
                    flash(_("No product matches %(text)s.", text=scanned), "warning")
                else:
                    flash(_("Several products match: pick one in the list."), "warning")
            if form.get("action") == "sell":
                try:
                    client_id = arg_int(form.get("client_id"))
                    payments = [{"method": m, "amount": (a or "").replace(",", "."),
                                 "certificate_code": form.get("certificate_code") or None}
                                for m, a in zip(form.getlist("method"), form.getlist("amount"))
                                if (a or "").strip()]
                    plan_id = arg_int(form.get("plan_id"))
                    sale = sales_service.sell(
                        lines + ([{"plan_id": plan_id}] if plan_id else []),
                        client_id=client_id, payments=payments, taken_by_id=g.user.id)
                    db.session.commit()
                    after_stock_out()
                    flash(_("Sale recorded."), "success")
                    return redirect(url_for("SaleModelView.receipt", pk=sale.id))
                except DomainError as exc:
                    db.session.rollback()
                    flash(str(exc.message), "danger")
        by_id = {p.id: p for p in _active_products()}
        shown = []
        for line in lines:
            product = by_id.get(arg_int(line["product_id"]))
            if product is not None:
                shown.append((product, line["quantity"]))
        client = _client_brief(arg_int(form.get("client_id")))
        client_q = form.get("client_q", "").strip()
        return self.render_template(
            "stock/shop.html", title=_("Shop"), lines=shown, products=list(by_id.values()),
            form=form, methods=DESK_METHODS, method_labels=METHOD_LABELS, client=client,
            plans=list(db.session.scalars(select(PassPlan).where(PassPlan.active.is_(True))
                                          .order_by(PassPlan.name))) if client else [],
            found=lending.lending_lookup(client_q) if client_q and not client else [],
            subtotal=sum((p.sale_price * _quantity(q) for p, q in shown), 0))


class LendingView(BaseView):
    """Lend a textbook or kit to a client until a date; the open loans, most overdue first,
    with their return button."""

    route_base = "/lending"
    class_permission_name = "Loan"
    method_permission_name = {"index": "read", "lend": "write", "clients": "write"}
    default_view = "index"

    @expose("/clients")
    @has_access
    def clients(self):
        """Client lookup for the lending form: name and card number only (JSON)."""
        return _client_lookup_json()

    @expose("/", methods=["GET"])
    @has_access
    def index(self):
        return self._render(request.args)

    def _render(self, form):
        q = form.get("q", "").strip()
        return self.render_template(
            "stock/lending.html", title=_("Lending"), loans=lending.open_loans(),
            products=_active_products(), form=form, q=q,
            found=lending.lending_lookup(q) if q else [], today=date.today(),
            default_due=date.today() + timedelta(days=30), can_lend=_can("write", "Loan"))

    @expose("/lend", methods=["POST"])
    @has_access
    def lend(self):
        form = request.form
        try:
            client_id = arg_int(form.get("client_id"))
            if client_id is None:
                raise DomainError(_l("Choose a client."), field="client_id")
            due = arg_date(form.get("due_date"))
            if due is None:
                raise DomainError(_l("Please enter a date like 2025-01-31."), field="due_date")
            lending.lend(_int(form.get("product_id"), "product_id"), client_id, due,
                         quantity=_int(form.get("quantity") or 1, "quantity"))
            db.session.commit()
            after_stock_out()
            flash(_("The item was lent."), "success")
            return redirect(url_for("LendingView.index"))
        except DomainError as exc:
            db.session.rollback()
            flash(str(exc.message), "danger")
        return self._render(form)


class StockReportsView(BaseView):
    """Stock valuation, sales by product and "who received what" (movements filtered by client,
    product, employee and period)."""

    route_base = "/stock/reports"
    class_permission_name = "StockReport"
    method_permission_name = {"valuation": "read", "sales": "read", "movements": "read"}
    default_view = "valuation"

    @expose("/valuation")
    @has_access
    def valuation(self):
        rows, total = products.stock_valuation()
        return self.render_template("stock/valuation.html", title=_("Stock valuation"),
                                    rows=rows, total=total)

    @expose("/sales")
    @has_access
    def sales(self):
        date_to = arg_date(request.args.get("date_to"), date.today())
        date_from = arg_date(request.args.get("date_from"), date_to.replace(day=1))
        rows = sales_service.sales_by_product(date_from, date_to)
        return self.render_template("stock/sales_by_product.html", title=_("Sales by product"),
                                    rows=rows, date_from=date_from, date_to=date_to)

    @expose("/movements")
    @has_access
    def movements(self):
        from flask_appbuilder.security.sqla.models import User

        args = request.args
        filters = dict(client_id=arg_int(args.get("client_id")),
                       product_id=arg_int(args.get("product_id")),
                       employee_id=arg_int(args.get("employee_id")),
                       date_from=arg_date(args.get("date_from")),
                       date_to=arg_date(args.get("date_to")))
        kind = args.get("kind")
        if kind in KIND_LABELS:
            filters["kinds"] = [kind]
        q = args.get("q", "").strip()
        rows = movements.find_movements(**filters)
        employees = list(db.session.scalars(select(User).order_by(User.first_name,
                                                                  User.last_name)))
        return self.render_template(
            "stock/movements.html", title=_("Who received what"), rows=rows, args=args,
            products=_active_products(), employees=employees, kind_labels=KIND_LABELS,
            found=lending.lending_lookup(q) if q else [], q=q)


# --- the client card's section ------------------------------------------------------------------

def loans_section(client):
    """The client's lent items, open ones first (two queries)."""
    return {"items": lending.client_loans(client.id), "today": date.today()}


register_card_section("loans", _l("Items lent"), loans_section, "stock/card_loans.html",
                      order=45, permission=("read", "Loan"))


def register(appbuilder, category, category_label):
    add_menu_view(appbuilder, ShopView, "Shop", category, icon="fa-shopping-basket",
                  label=_l("Shop"), category_label=category_label)
    add_menu_view(appbuilder, LendingView, "Lending", category, icon="fa-book",
                  label=_l("Lending"), category_label=category_label)
    add_menu_view(appbuilder, StockLevelsView, "Stock levels", category, icon="fa-cubes",
                  label=_l("Stock levels"), category_label=category_label)
    add_menu_link(appbuilder, "Low stock", "/stock/low", "Product", category,
                  icon="fa-exclamation-triangle", label=_l("Low stock"),
                  category_label=category_label)
    add_menu_view(appbuilder, StockDeskView, "Receive goods", category, icon="fa-download",
                  label=_l("Receive goods"), category_label=category_label)
    add_menu_link(appbuilder, "Write off", "/stock/desk/write-off", "StockMovement", category,
                  icon="fa-trash", label=_l("Write off"), category_label=category_label)
    add_menu_link(appbuilder, "Stock-take", "/stock/desk/stocktake", "StockMovement", category,
                  icon="fa-check-square-o", label=_l("Stock-take"), category_label=category_label)
    add_menu_view(appbuilder, StockReportsView, "Stock valuation", category, icon="fa-bar-chart",
                  label=_l("Stock valuation"), category_label=category_label)
    add_menu_link(appbuilder, "Sales by product", "/stock/reports/sales", "StockReport",
                  category, icon="fa-line-chart", label=_l("Sales by product"),
                  category_label=category_label)
    add_menu_link(appbuilder, "Who received what", "/stock/reports/movements", "StockReport",
                  category, icon="fa-search", label=_l("Who received what"),
                  category_label=category_label)
