"""Hand-written sales pages: the front desk (sell a pass, take a payment), the debts list and
the passes running out; plus the client card's money sections."""
from datetime import date
from decimal import Decimal, InvalidOperation

from flask import abort, flash, g, has_request_context, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _, lazy_gettext as _l
from werkzeug.routing import BuildError
from sqlalchemy import select

from app.extensions import db
from app.models.clients import Client
from app.models.passes import PAYMENT_METHODS, PAYMENT_PURPOSES, PassPlan
from app.security import role_can
from app.services.money import bonuses
from app.services.money import passes as service
from app.services.money import payments
from app.services.clients import register_card_section
from app.services.clients import search_clients
from app.services.documents import payment_receipts
from app.services.platform import DomainError
from app.views.money.labels import METHOD_LABELS, PURPOSE_LABELS, STATUS_LABELS, WINDOW_LABELS
from app.views.platform.api_support import (FORM_TOKEN_FIELD, claim_form_submit,
                                            new_form_token)
from app.views.platform.base import add_menu_link, add_menu_view

SELL_METHODS = ("cash", "card", "transfer", "bonus", "certificate")


def _can(action, resource):
    return any(role_can(role.name, action, resource) for role in g.user.roles)


def _labels():
    return dict(method_labels=METHOD_LABELS, purpose_labels=PURPOSE_LABELS,
                status_labels=STATUS_LABELS, window_labels=WINDOW_LABELS, client_url=client_url)


def client_url(client_id):
    """Link to the client card (or, before the CRM pages are there, nowhere)."""
    try:
        return url_for("ClientCardView.card", client_id=client_id)
    except BuildError:
        return "#"


ALREADY_SUBMITTED = _l("This form was already submitted: nothing was recorded twice.")


def _form_token():
    """The form's one-time token: the submitted one while the form is re-rendered after a
    refusal (it was not used), else a new one."""
    return request.form.get(FORM_TOKEN_FIELD) or new_form_token()


def _decimal(value, default="0"):
    try:
        return Decimal((value or default).replace(",", ".").strip())
    except (InvalidOperation, AttributeError):
        raise DomainError(_l("Please enter an amount like 12.50."), field="amount")


def _date(value):
    try:
        return date.fromisoformat(value) if value else date.today()
    except ValueError:
        raise DomainError(_l("Please enter a date like 2025-01-31."), field="start_date")


class SalesDeskView(BaseView):
    """The front desk: sell a pass (showing the price after discount) and take payments."""

    route_base = "/sales"
    class_permission_name = "SalesDesk"
    method_permission_name = {"sell": "read", "payment": "read"}
    default_view = "sell"

    def _client(self):
        client_id = request.values.get("client_id", type=int)
        return db.session.get(Client, client_id) if client_id else None

    @expose("/sell", methods=["GET", "POST"])
    @has_access
    def sell(self):
        """Pick a client and a plan, see the price after discount, sell."""
        client = self._client()
        plans = list(db.session.scalars(
            select(PassPlan).where(PassPlan.active.is_(True)).order_by(PassPlan.name)))
        form = request.form if request.method == "POST" else request.args
        plan = db.session.get(PassPlan, form.get("plan_id", type=int) or 0)
        quote = None
        if client and plan:
            percent, price = service.price_for(plan, client)
            quote = {"percent": percent, "price": price, "list_price": plan.price,
                     "hours": service.window_hours(plan.time_window),
                     "services": ", ".join(s.name for s in plan.services)}
        if request.method == "POST" and request.form.get("action") == "sell":
            if not _can("sell", "Pass"):
                abort(403)
            if not claim_form_submit(g.user.id):
                flash(str(ALREADY_SUBMITTED), "warning")
                return redirect(url_for("SalesDeskView.sell",
                                        client_id=client.id if client else None))
            try:
                if client is None or plan is None:
                    raise DomainError(_l("Choose a client and a plan."))
                pass_ = service.sell_pass(
                    client.id, plan.id, _date(form.get("start_date")),
                    amount_paid=_decimal(form.get("amount_paid")),
                    method=form.get("method", "cash"), taken_by_id=g.user.id,
                    certificate_code=form.get("certificate_code") or None)
                db.session.commit()
                flash(_("The pass was sold."), "success")
                return redirect(url_for("PassModelView.show", pk=pass_.id))
            except DomainError as exc:
                db.session.rollback()
                flash(str(exc.message), "danger")
        q = request.args.get("q", "").strip()
        return self.render_template(
            "money/sell.html", title=_("Sell a pass"), client=client, plans=plans, plan=plan,
            quote=quote, q=q, found=search_clients(q, limit=20, active_only=True) if q else [],
            balance=payments.client_balance(client.id) if client else None,
            points=bonuses.bonus_balance(client.id) if client else None,
            methods=SELL_METHODS, form=form, today=date.today(), form_token=_form_token(),
            **_labels())

    @expose("/payment", methods=["GET", "POST"])
    @has_access
    def payment(self):
        """Take a payment from a client (for a pass of theirs, a sale, a course…)."""
        client = self._client()
        if request.method == "POST":
            if not _can("write", "Payment"):
                abort(403)
            if not claim_form_submit(g.user.id):
                flash(str(ALREADY_SUBMITTED), "warning")
                return redirect(url_for("SalesDeskView.payment",
                                        client_id=client.id if client else None))
            try:
                if client is None:
                    raise DomainError(_l("Choose a client."))
                payments.take_payment(
                    client.id, _decimal(request.form.get("amount")),
                    method=request.form.get("method", "cash"),
                    purpose=request.form.get("purpose", "pass"),
                    pass_id=request.form.get("pass_id", type=int) or None,
                    taken_by_id=g.user.id, reason=request.form.get("reason") or None,
                    certificate_code=request.form.get("certificate_code") or None)
                db.session.commit()
                flash(_("The payment was recorded."), "success")
                return redirect(url_for("SalesDeskView.payment", client_id=client.id))
            except DomainError as exc:
                db.session.rollback()
                flash(str(exc.message), "danger")
        q = request.args.get("q", "").strip()
        client_passes = service.client_passes(client.id) if client else []
        latest = payments.client_payments(client.id, limit=5) if client else []
        return self.render_template(
            "money/payment.html", title=_("Take a payment"), client=client, q=q,
            found=search_clients(q, limit=20, active_only=True) if q else [],
            passes=client_passes, latest=latest,
            receipts=payment_receipts([p.id for p in latest]),
            can_print=_can("read", "Document"),
            balance=payments.client_balance(client.id) if client else None,
            points=bonuses.bonus_balance(client.id) if client else None,
            methods=PAYMENT_METHODS, purposes=PAYMENT_PURPOSES, form=request.form,
            form_token=_form_token(), **_labels())


class DebtsView(BaseView):
    route_base = "/debts"
    class_permission_name = "Debt"
    method_permission_name = {"index": "read"}
    default_view = "index"

    page_size = 100

    @expose("/")
    @has_access
    def index(self):
        """One page of debtors (``?page=``, from 1; ``?order=balance`` for the largest first):
        sorted and paginated in SQL, three queries whatever the number of debtors."""
        count, total = payments.debt_summary()
        pages = max(1, -(-count // self.page_size))
        try:
            page = min(max(1, int(request.args.get("page", 1))), pages)
        except ValueError:
            page = 1
        order = request.args.get("order")
        order = order if order in payments.DEBT_ORDERS else "since"
        rows = payments.debts(limit=self.page_size, offset=(page - 1) * self.page_size,
                              order=order)
        return self.render_template("money/debts.html", title=_("Debts"), rows=rows,
                                    client_url=client_url, total=total, count=count,
                                    page=page, pages=pages, order=order)


class RunningOutView(BaseView):
    route_base = "/passes-running-out"
    class_permission_name = "Pass"
    method_permission_name = {"index": "read"}
    default_view = "index"

    @expose("/")
    @has_access
    def index(self):
        passes = service.passes_running_out()
        owing = payments.debtor_ids({p.client_id for p in passes})
        return self.render_template(
            "money/running_out.html", title=_("Passes running out"), passes=passes,
            owing=owing, today=date.today(), **_labels())


# --- client card sections -------------------------------------------------------------------

def _card_balance(client_id):
    """The client's balance, computed once per request for the card's sections."""
    if not has_request_context():
        return payments.client_balance(client_id)
    cache = g.setdefault("tessera_card_balances", {})
    if client_id not in cache:
        cache[client_id] = payments.client_balance(client_id)
    return cache[client_id]


def passes_section(client):
    """The client's passes (red ones marked) with balance and points: three queries."""
    client_passes = service.client_passes(client.id)
    red = service.running_out_pass_ids([p.id for p in client_passes])
    balance = _card_balance(client.id)
    if balance > 0:
        red = {p.id for p in client_passes}
    return {"items": client_passes, "red": red, "balance": balance, "today": date.today(),
            **_labels()}


def payments_section(client):
    return {"items": payments.client_payments(client.id, limit=20),
            "balance": _card_balance(client.id), **_labels()}


def bonus_section(client):
    points, items = bonuses.points_and_recent(client.id, limit=10)
    return {"points": points, "items": items}


register_card_section("passes", _l("Passes and balance"), passes_section,
                      "money/card_passes.html", order=10, permission=("read", "Pass"))
register_card_section("payments", _l("Payments and debt"), payments_section,
                      "money/card_payments.html", order=30, permission=("read", "Payment"))
register_card_section("bonus", _l("Bonus points"), bonus_section, "money/card_bonus.html",
                      order=40, permission=("read", "Bonus"))


def register(appbuilder, category, category_label):
    add_menu_view(appbuilder, SalesDeskView, "Sell a pass", category, icon="fa-shopping-cart",
                  label=_l("Sell a pass"), category_label=category_label)
    add_menu_link(appbuilder, "Take a payment", "/sales/payment", "SalesDesk", category,
                  icon="fa-credit-card", label=_l("Take a payment"), category_label=category_label)
    add_menu_view(appbuilder, DebtsView, "Debts", category, icon="fa-exclamation-circle",
                  label=_l("Debts"), category_label=category_label)
    add_menu_view(appbuilder, RunningOutView, "Passes running out", category,
                  icon="fa-hourglass-end", label=_l("Passes running out"),
                  category_label=category_label)
