"""Payroll REST API: calculate a draft, read a payroll, approve it, reverse it (Admin)."""
from flask import g
from flask_appbuilder.api import BaseApi, expose, protect

from app.models.payroll import DRAFT
from app.services.staff import payroll as service
from app.views.platform.api_support import api_action, iso, json_body, json_date, money_json


def payroll_payload(payroll):
    """A payroll as JSON: its employees with lines and totals; money as decimal strings."""
    people = service.group_by_employee(service.payroll_lines(payroll.id))
    warnings = []
    if payroll.status == DRAFT:
        warnings = service.payroll_warnings(payroll.period_start, payroll.period_end)
    return {
        "id": payroll.id,
        "period_start": iso(payroll.period_start),
        "period_end": iso(payroll.period_end),
        "status": payroll.status,
        "total": money_json(payroll.total),
        "calculated_at": iso(payroll.calculated_at),
        "approved_at": iso(payroll.approved_at),
        "approved_by_id": payroll.approved_by_fk,
        "reversed_at": iso(payroll.reversed_at),
        "reversal_reason": payroll.reversal_reason,
        "employees": [
            {
                "employee_id": person["employee_id"],
                "name": person["name"],
                "total": money_json(person["total"]),
                "lines": [
                    {
                        "lesson_id": line.lesson_id,
                        "date": iso(line.date),
                        "group_name": line.group_name,
                        "attendees": line.attendees,
                        "revenue": money_json(line.revenue),
                        "rule_kind": line.rule_kind,
                        "rate": money_json(line.rate),
                        "amount": money_json(line.amount),
                    }
                    for line in person["lines"]
                ],
            }
            for person in people
        ],
        "warnings": [dict(item, starts_at=iso(item["starts_at"])) for item in warnings],
    }


class PayrollApi(BaseApi):
    resource_name = "payroll"
    class_permission_name = "Payroll"
    method_permission_name = {"calculate": "write", "get": "read", "approve": "approve",
                              "reverse": "reverse"}
    allow_browser_login = True
    openapi_spec_tag = "Payroll"

    @expose("/calculate", methods=["POST"])
    @protect()
    @api_action()
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
        payload = json_body(optional=True)
        payroll = service.calculate_draft(json_date(payload, "start"), json_date(payload, "end"))
        return payroll_payload(payroll)

    @expose("/<int:pk>", methods=["GET"])
    @protect()
    @api_action()
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
        return payroll_payload(service.get_payroll(pk))

    @expose("/<int:pk>/approve", methods=["POST"])
    @protect()
    @api_action()
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
        return payroll_payload(service.approve_payroll(pk, g.user.id))

    @expose("/<int:pk>/reverse", methods=["POST"])
    @protect()
    @api_action()
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
        payload = json_body(optional=True)
        return payroll_payload(service.reverse_payroll(pk, g.user.id, payload.get("reason", "")))
