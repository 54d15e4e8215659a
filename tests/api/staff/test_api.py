"""Payroll REST API: calculate, read, approve, reverse; permissions per role."""
from datetime import date
from decimal import Decimal

from app.models.payroll import PER_LESSON, REVENUE_PERCENT
from app.security import ACCOUNTANT, ADMIN, INSTRUCTOR, MANAGER
from tests.factories.payroll import at, make_attendance, make_employee, make_lesson, make_rule

PERIOD = {"start": "2026-01-01", "end": "2026-01-31"}


def _data(db):
    emp = make_employee(full_name="Lusine Hakobyan")
    make_rule(emp, PER_LESSON, amount=Decimal("18"))
    make_rule(emp, REVENUE_PERCENT, percent=Decimal("25"))
    lesson = make_lesson(emp, at(date(2026, 1, 5)))
    make_attendance(lesson, value="40")
    make_lesson(emp, at(date(2026, 1, 6)), status="planned")
    db.session.commit()
    return emp, lesson


def test_calculate_returns_the_draft(app, db, api_token):
    emp, lesson = _data(db)
    client = app.test_client()
    response = client.post("/api/v1/payroll/calculate", json=PERIOD,
                           headers=api_token(ACCOUNTANT))
    assert response.status_code == 200, response.json
    body = response.json
    assert body["status"] == "draft" and body["total"] == "28.00"
    person = body["employees"][0]
    assert person["name"] == "Lusine Hakobyan" and person["total"] == "28.00"
    assert sorted((line["rule_kind"], line["amount"]) for line in person["lines"]) == [
        ("per_lesson", "18.00"), ("revenue_percent", "10.00")]
    assert person["lines"][0]["lesson_id"] == lesson.id
    assert [w["kind"] for w in body["warnings"]] == ["unmarked"]


def test_bad_period_and_unknown_payroll(app, db, api_token):
    client, headers = app.test_client(), api_token(ACCOUNTANT)
    response = client.post("/api/v1/payroll/calculate", json={"start": "soon", "end": "later"},
                           headers=headers)
    assert response.status_code == 400 and response.json["message"]
    assert client.get("/api/v1/payroll/999", headers=headers).status_code == 404


def test_approve_then_get_then_recalculate_refused(app, db, api_token):
    _data(db)
    client, headers = app.test_client(), api_token(ACCOUNTANT)
    payroll_id = client.post("/api/v1/payroll/calculate", json=PERIOD, headers=headers).json["id"]
    approved = client.post(f"/api/v1/payroll/{payroll_id}/approve", headers=headers)
    assert approved.status_code == 200 and approved.json["status"] == "approved"
    assert client.get(f"/api/v1/payroll/{payroll_id}", headers=headers).json["total"] == "28.00"
    again = client.post("/api/v1/payroll/calculate", json=PERIOD, headers=headers)
    assert again.status_code == 409
    assert client.post(f"/api/v1/payroll/{payroll_id}/approve", headers=headers).status_code == 409


def test_permissions_per_role(app, db, api_token):
    _data(db)
    client = app.test_client()
    for role in (INSTRUCTOR, MANAGER):
        headers = api_token(role)
        assert client.post("/api/v1/payroll/calculate", json=PERIOD,
                           headers=headers).status_code == 403
    payroll_id = client.post("/api/v1/payroll/calculate", json=PERIOD,
                             headers=api_token(ACCOUNTANT)).json["id"]
    instructor = api_token(INSTRUCTOR)
    assert client.get(f"/api/v1/payroll/{payroll_id}", headers=instructor).status_code == 403
    assert client.post(f"/api/v1/payroll/{payroll_id}/approve",
                       headers=instructor).status_code == 403
    accountant = api_token(ACCOUNTANT)
    client.post(f"/api/v1/payroll/{payroll_id}/approve", headers=accountant)
    reason = {"reason": "Duplicate"}
    assert client.post(f"/api/v1/payroll/{payroll_id}/reverse", json=reason,
                       headers=accountant).status_code == 403
    response = client.post(f"/api/v1/payroll/{payroll_id}/reverse", json=reason,
                           headers=api_token(ADMIN))
    assert response.status_code == 200 and response.json["status"] == "reversed"
