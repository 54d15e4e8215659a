"""Sales REST API: plans, passes with ``red``, actions, payments, client balance; roles."""
from datetime import date, timedelta
from decimal import Decimal

import pytest

from app.models.passes import Payment
from app.security import ACCOUNTANT, FRONT_DESK, INSTRUCTOR, MANAGER
from tests.factories.passes import make_client, make_pass, make_plan, make_service

TODAY = date.today()


def test_pass_list_exposes_red(app, db, api_token):
    fine = make_pass(make_client(), make_plan(sessions=10, validity_days=60),
                     amount_paid=Decimal("100"))
    owing = make_pass(make_client(), make_plan(sessions=10, validity_days=60),
                      amount_paid=Decimal("10"))
    db.session.commit()
    headers = api_token(ACCOUNTANT)
    api = app.test_client()
    body = api.get("/api/v1/pass/", headers=headers).json
    red = {item["id"]: item["red"] for item in body["result"]}
    assert red == {fine.id: False, owing.id: True}
    one = api.get(f"/api/v1/pass/{owing.id}", headers=headers).json["result"]
    assert one["red"] is True and one["sessions_left"] == 10


def test_accountant_reads_but_cannot_act(app, db, api_token):
    pass_ = make_pass(amount_paid=Decimal("100"))
    db.session.commit()
    headers = api_token(ACCOUNTANT)
    api = app.test_client()
    assert api.get("/api/v1/payment/", headers=headers).status_code == 200
    assert api.get("/api/v1/passplan/", headers=headers).status_code == 200
    assert api.post(f"/api/v1/pass/{pass_.id}/freeze", json={"days": 2},
                    headers=headers).status_code == 403
    assert api.post(f"/api/v1/pass/{pass_.id}/refund", json={"reason": "x"},
                    headers=headers).status_code == 403
    assert api.post("/api/v1/payment/", json={"client_id": pass_.client_id, "amount": "5"},
                    headers=headers).status_code == 403


def test_instructor_sees_no_money(app, db, api_token):
    client = make_client()
    db.session.commit()
    headers = api_token(INSTRUCTOR)
    api = app.test_client()
    for url in ("/api/v1/pass/", "/api/v1/payment/", f"/api/v1/client/{client.id}/balance"):
        assert api.get(url, headers=headers).status_code == 403, url


def test_front_desk_freezes_and_unfreezes_but_cannot_refund_or_extend(app, db, api_token):
    pass_ = make_pass(amount_paid=Decimal("100"))
    db.session.commit()
    end = pass_.end_date
    headers = api_token(FRONT_DESK)
    api = app.test_client()
    response = api.post(f"/api/v1/pass/{pass_.id}/freeze",
                        json={"start": TODAY.isoformat(), "days": 4}, headers=headers)
    assert response.status_code == 200, response.json
    assert response.json["result"]["end_date"] == (end + timedelta(days=4)).isoformat()
    assert response.json["result"]["status"] == "frozen"
    assert api.post(f"/api/v1/pass/{pass_.id}/unfreeze", headers=headers).status_code == 200
    assert api.post(f"/api/v1/pass/{pass_.id}/refund", json={"reason": "x"},
                    headers=headers).status_code == 403
    assert api.post(f"/api/v1/pass/{pass_.id}/extend", json={"days": 3, "reason": "x"},
                    headers=headers).status_code == 403


def test_freeze_refusal_is_a_json_message(app, db, api_token):
    pass_ = make_pass(plan=make_plan(freezes_allowed=1, freeze_days_allowed=5))
    db.session.commit()
    api = app.test_client()
    response = api.post(f"/api/v1/pass/{pass_.id}/freeze", json={"days": 6},
                        headers=api_token(MANAGER))
    assert response.status_code == 400 and "freeze" in response.json["message"]
    assert response.json["field"] == "days"
    assert api.post("/api/v1/pass/99999/freeze", json={"days": 1},
                    headers=api_token(MANAGER)).status_code == 404


def test_manager_refunds_and_balance_endpoint(app, db, api_token):
    client = make_client()
    plan = make_plan(price=Decimal("100.00"), sessions=10)
    pass_ = make_pass(client, plan, amount_paid=Decimal("100"))
    from app.services.money.passes import write_off_session
    from datetime import datetime

    write_off_session(client.id, plan.services[0].id, datetime.now().replace(hour=10))
    db.session.commit()
    headers = api_token(MANAGER)
    api = app.test_client()
    assert api.post(f"/api/v1/pass/{pass_.id}/refund", json={}, headers=headers
                    ).status_code == 400  # a reason is required
    response = api.post(f"/api/v1/pass/{pass_.id}/refund", json={"reason": "moving"},
                        headers=headers)
    assert response.status_code == 200
    assert response.json["refunded"] == "90.00"
    assert response.json["result"]["status"] == "refunded"
    balance = api.get(f"/api/v1/client/{client.id}/balance", headers=api_token(ACCOUNTANT))
    assert balance.status_code == 200
    assert balance.json["balance"] == "0.00" and balance.json["currency"] == app.config["CURRENCY"]
    assert api.get("/api/v1/client/99999/balance", headers=headers).status_code == 404


def test_sell_and_pay_over_the_api(app, db, api_token):
    client = make_client(discount_percent=Decimal("10"))
    plan = make_plan(price=Decimal("80.00"))
    db.session.commit()
    headers = api_token(FRONT_DESK)
    api = app.test_client()
    response = api.post("/api/v1/pass/sell", json={
        "client_id": client.id, "plan_id": plan.id, "amount_paid": "20.00"}, headers=headers)
    assert response.status_code == 201, response.json
    assert response.json["result"]["price_paid"] == "72.00"
    balance = api.get(f"/api/v1/client/{client.id}/balance", headers=headers).json
    assert balance["balance"] == "52.00" and balance["flags"] == ["debt"]
    pay = api.post("/api/v1/payment/", json={
        "client_id": client.id, "amount": "52.00", "method": "card",
        "pass_id": response.json["result"]["id"]}, headers=headers)
    assert pay.status_code == 201, pay.json
    assert api.get(f"/api/v1/client/{client.id}/balance", headers=headers).json["debt"] == "0.00"
    assert api.post("/api/v1/payment/", json={"client_id": client.id, "amount": 1.1},
                    headers=headers).status_code == 400  # floats are refused
    assert db.session.query(Payment).count() == 2


def test_passes_cannot_be_created_or_edited_directly(app, db, api_token):
    pass_ = make_pass()
    db.session.commit()
    headers = api_token(MANAGER)
    api = app.test_client()
    assert api.post("/api/v1/pass/", json={"client_id": pass_.client_id},
                    headers=headers).status_code in (404, 405)
    assert api.put(f"/api/v1/pass/{pass_.id}", json={"sessions_used": 0},
                   headers=headers).status_code in (404, 405)


def test_plan_api_validates_through_the_service(app, db, api_token):
    service = make_service()
    db.session.commit()
    headers = api_token(MANAGER)
    api = app.test_client()
    bad = api.post("/api/v1/passplan/", json={
        "name": "Bad", "services": [service.id], "validity_days": 30, "time_window": "noon",
        "price": 10}, headers=headers)
    assert bad.status_code == 400
    good = api.post("/api/v1/passplan/", json={
        "name": "Good", "services": [service.id], "validity_days": 30, "time_window": "evening",
        "price": 10, "sessions": 8}, headers=headers)
    assert good.status_code == 201, good.json
    assert api.post("/api/v1/passplan/", json={"name": "X", "services": [service.id],
                                               "validity_days": 30, "price": 1},
                    headers=api_token(FRONT_DESK)).status_code == 403


@pytest.mark.parametrize("route", ["/api/v1/client/{id}/balance"])
def test_balance_route_is_in_the_openapi_spec(app, login, route):
    spec = login("Admin").get("/api/v1/_openapi").json
    assert "/api/v1/client/{pk}/balance" in spec["paths"]
    assert "/api/v1/pass/{pk}/freeze" in spec["paths"]
