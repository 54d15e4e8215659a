"""The cash desk: the cashier's shift (open with a float, live totals, close with the count),
the daily cash report, and their REST API."""
from datetime import date

from flask import flash, g, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_appbuilder.api import BaseApi, expose as api_expose, protect
from flask_babel import gettext as _, lazy_gettext as _l

from app.extensions import db
from app.models.passes import PAYMENT_METHODS
from app.security import role_can
from app.services.money import cash_desk
from app.services.platform import DomainError
from app.views.money.labels import METHOD_LABELS
from app.views.platform.api_support import (api_action, arg_date, iso, json_body, json_decimal,
                                            money_json)
from app.views.platform.base import add_menu_view

SALES, SALES_LABEL = "Sales", _l("Sales")


def _may_read_all():
    return any(role_can(role.name, "read", "CashReport") for role in g.user.roles)


class CashDeskView(BaseView):
    """My shift: open it, see what came in by method, close it with the cash counted."""

    route_base = "/cash-desk"
    class_permission_name = "CashDesk"
    method_permission_name = {"shift": "read", "open": "write", "close": "write"}
    default_view = "shift"

    @expose("/")
    @has_access
    def shift(self):
        shift = cash_desk.current_shift(g.user.id)
        totals = cash_desk.shift_totals([shift.id]).get(shift.id, {}) if shift else {}
        return self.render_template(
            "money/cash_desk.html", title=_("Cash desk"), shift=shift, totals=totals,
            expected=cash_desk.expected_cash(shift, totals) if shift else None,
            methods=PAYMENT_METHODS, method_labels=METHOD_LABELS, form=request.form)

    @expose("/open", methods=["POST"])
    @has_access
    def open(self):
        try:
            cash_desk.open_shift(g.user.id, request.form.get("opening_float", ""))
            db.session.commit()
            flash(_("Your shift is open."), "success")
        except DomainError as exc:
            db.session.rollback()
            flash(str(exc.message), "danger")
        return redirect(url_for("CashDeskView.shift"))

    @expose("/<int:shift_id>/close", methods=["POST"])
    @has_access
    def close(self, shift_id):
        try:
            shift = cash_desk.get_shift(shift_id)
            if shift.cashier_fk != g.user.id and not _may_read_all():
                raise DomainError(_l("Only the cashier of this shift may close it."))
            shift = cash_desk.close_shift(shift_id, request.form.get("counted_cash", ""),
                                          g.user.id, note=request.form.get("note"))
            db.session.commit()
            flash(_("The shift is closed. Difference: %(difference)s",
                    difference=shift.difference), "success")
            return redirect(url_for("CashReportView.day", day=shift.opened_at.date().isoformat()))
        except DomainError as exc:
            db.session.rollback()
            flash(str(exc.message), "danger")
        return redirect(url_for("CashDeskView.shift"))


class CashReportView(BaseView):
    """The daily cash report (Z-report): every shift of a day, by cashier and method."""

    route_base = "/cash-report"
    class_permission_name = "CashReport"
    method_permission_name = {"day": "read"}
    default_view = "day"

    @expose("/")
    @has_access
    def day(self):
        day = arg_date(request.args.get("day"), date.today())
        return self.render_template(
            "money/cash_report.html", title=_("Daily cash report"),
            report=cash_desk.daily_report(day), methods=PAYMENT_METHODS,
            method_labels=METHOD_LABELS)


def shift_json(shift, totals=None):
    totals = cash_desk.shift_totals([shift.id]).get(shift.id, {}) if totals is None else totals
    return {
        "id": shift.id, "cashier_id": shift.cashier_fk, "opened_at": iso(shift.opened_at),
        "opening_float": money_json(shift.opening_float), "closed_at": iso(shift.closed_at),
        "counted_cash": money_json(shift.counted_cash),
        "expected_cash": money_json(shift.expected_cash if shift.closed_at
                                    else cash_desk.expected_cash(shift, totals)),
        "difference": money_json(shift.difference),
        "by_method": {method: {"taken": money_json(values["taken"]),
                               "returned": money_json(values["returned"]),
                               "count": values["count"]} for method, values in totals.items()},
    }


class CashShiftApi(BaseApi):
    resource_name = "cashshift"
    class_permission_name = "CashDesk"
    method_permission_name = {"current": "read", "open": "write", "close": "write"}
    allow_browser_login = True
    openapi_spec_tag = "Cash desk"

    @api_expose("/", methods=["GET"])
    @protect()
    @api_action()
    def current(self):
        """The caller's open shift, or null.
        ---
        get:
          responses:
            200: {description: "{result: shift or null}"}
        """
        shift = cash_desk.current_shift(g.user.id)
        return {"result": shift_json(shift) if shift else None}

    @api_expose("/open", methods=["POST"])
    @protect()
    @api_action(status=201)
    def open(self):
        """Open the caller's shift with the cash in the drawer.
        ---
        post:
          requestBody:
            content:
              application/json:
                schema:
                  type: object
                  properties:
                    opening_float: {type: string, example: "100.00"}
          responses:
            201: {description: "the shift"}
            400: {description: "bad amount"}
            409: {description: "a shift of the caller is already open"}
        """
        shift = cash_desk.open_shift(g.user.id, json_decimal(json_body(), "opening_float"))
        return {"result": shift_json(shift, {})}

    @api_expose("/<int:pk>/close", methods=["POST"])
    @protect()
    @api_action()
    def close(self, pk):
        """Close a shift once with the cash counted; answers the expected cash and difference.
        ---
        post:
          parameters:
          - in: path
            name: pk
            schema: {type: integer}
          requestBody:
            content:
              application/json:
                schema:
                  type: object
                  properties:
                    counted_cash: {type: string, example: "412.50"}
                    note: {type: string}
          responses:
            200: {description: "the closed shift"}
            404: {description: "no such shift"}
            409: {description: "already closed"}
        """
        payload = json_body()
        shift = cash_desk.get_shift(pk)
        if shift.cashier_fk != g.user.id and not _may_read_all():
            raise DomainError(_l("Only the cashier of this shift may close it."))
        shift = cash_desk.close_shift(pk, json_decimal(payload, "counted_cash"), g.user.id,
                                      note=payload.get("note") if isinstance(
                                          payload.get("note"), str) else None)
        return {"result": shift_json(shift)}


def register(appbuilder):
    add_menu_view(appbuilder, CashDeskView, "Cash desk", SALES, icon="fa-money",
                  label=_l("Cash desk"), category_label=SALES_LABEL)
    add_menu_view(appbuilder, CashReportView, "Daily cash report", SALES, icon="fa-list-alt",
                  label=_l("Daily cash report"), category_label=SALES_LABEL)
    appbuilder.add_api(CashShiftApi)
