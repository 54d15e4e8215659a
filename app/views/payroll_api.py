"""Payroll REST API: calculate a draft, read a payroll, approve it, reverse it (Admin)."""
from datetime import date

from flask import g, request
from flask_appbuilder.api import BaseApi, expose, protect
from flask_babel import gettext as _
from sqlalchemy.orm.exc import StaleDataError

from app.models.payroll import DRAFT
from app.services import payroll as service
from app.services.errors import DomainError
from app.views.base import STALE_MESSAGE


def _money(value):
    return None if value is None else str(value)


def _iso(value):
    return value.isoformat() if value is not None else None


def payroll_payload(payroll):
    """A payroll as JSON: its employees with lines and totals; money as decimal strings."""
    people = service.group_by_employee(service.payroll_lines(payroll.id))
    warnings = []
    if payroll.status == DRAFT:
        warnings = service.payroll_warnings(payroll.period_start, payroll.period_end)
    return {
        "id": payroll.id,
        "period_start": _iso(payroll.period_start),
        "period_end": _iso(payroll.period_end),
        "status": payroll.status,
        "total": _money(payroll.total),
        "calculated_at": _iso(payroll.calculated_at),
        "approved_at": _iso(payroll.approved_at),
        "approved_by_id": payroll.approved_by_fk,
        "reversed_at": _iso(payroll.reversed_at),
        "reversal_reason": payroll.reversal_reason,
        "employees": [
            {
                "employee_id": person["employee_id"],
                "name": person["name"],
                "total": _money(person["total"]),
                "lines": [
                    {
                        "lesson_id": line.lesson_id,
                        "date": _iso(line.date),
                        "group_name": line.group_name,
                        "attendees": line.attendees,
                        "revenue": _money(line.revenue),
                        "rule_kind": line.rule_kind,
                        "rate": _money(line.rate),
                        "amount": _money(line.amount),
                    }
                    for line in person["lines"]
                ],
            }
            for person in people
        ],
        "warnings": [dict(item, starts_at=_iso(item["starts_at"])) for item in warnings],
    }


def _date(payload, key):
    try:
        return date.fromisoformat(str(payload.get(key)))
    except (TypeError, ValueError):
        raise DomainError(_("Dates are written YYYY-MM-DD."), field=key) from None


class PayrollApi(BaseApi):
    resource_name = "payroll"
    class_permission_name = "Payroll"
    method_permission_name = {"calculate": "write", "get": "read", "approve": "approve",
                              "reverse": "reverse"}
    allow_browser_login = True
    openapi_spec_tag = "Payroll"

    def _refused(self, exc):
        return self.response(exc.status_code, message=str(exc.message))

    @expose("/calculate", methods=["POST"])
    @protect()
    def calculate(self):
        """Calculate (or recalculate) the draft payroll of a period.
        ---
        post:
          requestBody:
            content:
              application/json:
                schema:
                  type: object
                  properties:
                    start: {type: string, format: date}
                    end: {type: string, format: date}
          responses:
            200: {description: "the draft with its employees, lines and warnings"}
            400: {description: "bad period"}
            409: {description: "an approved payroll covers the period"}
        """
        payload = request.get_json(silent=True) or {}
        try:
            payroll = service.calculate_draft(_date(payload, "start"), _date(payload, "end"))
        except DomainError as exc:
            return self._refused(exc)
        return self.response(200, **payroll_payload(payroll))

    @expose("/<int:pk>", methods=["GET"])
    @protect()
    def get(self, pk):
        """A payroll with its lines.
        ---
        get:
          parameters:
          - in: path
            name: pk
            schema: {type: integer}
          responses:
            200: {description: "the payroll"}
            404: {description: "no such payroll"}
        """
        try:
            payroll = service.get_payroll(pk)
        except DomainError as exc:
            return self._refused(exc)
        return self.response(200, **payroll_payload(payroll))

    @expose("/<int:pk>/approve", methods=["POST"])
    @protect()
    def approve(self, pk):
        """Approve a draft payroll: its figures become final.
        ---
        post:
          parameters:
          - in: path
            name: pk
            schema: {type: integer}
          responses:
            200: {description: "the approved payroll"}
            409: {description: "not a draft, or the figures changed since it was calculated"}
        """
        try:
            payroll = service.approve_payroll(pk, g.user.id)
        except DomainError as exc:
            return self._refused(exc)
        except StaleDataError:
            return self.response(409, message=str(STALE_MESSAGE))
        return self.response(200, **payroll_payload(payroll))

    @expose("/<int:pk>/reverse", methods=["POST"])
    @protect()
    def reverse(self, pk):
        """Reverse an approved payroll (Admin only), with a reason.
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
                    reason: {type: string}
          responses:
            200: {description: "the reversed payroll"}
            409: {description: "not an approved payroll"}
        """
        payload = request.get_json(silent=True) or {}
        try:
            payroll = service.reverse_payroll(pk, g.user.id, payload.get("reason", ""))
        except DomainError as exc:
            return self._refused(exc)
        except StaleDataError:
            return self.response(409, message=str(STALE_MESSAGE))
        return self.response(200, **payroll_payload(payroll))
