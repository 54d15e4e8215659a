"""The money API never leaks: idempotency keys, certificates only sold, numbers that are not
numbers refused with a 400 naming the field, nothing written."""
import json
from decimal import Decimal

import pytest
from flask_appbuilder.security.sqla.models import User
from sqlalchemy import func, select

from app.models.idempotency import IdempotencyKey
from app.models.passes import Charge, GiftCertificate, Pass, Payment
from app.security import FRONT_DESK, MANAGER
from tests.factories.passes import make_client, make_pass, make_plan


def _count(db, model):
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def _rows(db):
    return tuple(_count(db, m) for m in (Pass, Charge, Payment, GiftCertificate))


def test_sell_with_an_idempotency_key_is_done_once(app, db, api_token):
    client, plan = make_client(), make_plan()
    db.session.commit()
    headers = {**api_token(FRONT_DESK), "Idempotency-Key": "sale-1"}
    api = app.test_client()
    body = {"client_id": client.id, "plan_id": plan.id, "amount_paid": "100.00"}
    first = api.post("/api/v1/pass/sell", json=body, headers=headers)
    assert first.status_code == 201
    rows = _rows(db)
    again = api.post("/api/v1/pass/sell", json=dict(reversed(list(body.items()))),
                     headers=headers)
    assert (again.status_code, again.json) == (201, first.json)
    assert _rows(db) == rows
    other = api.post("/api/v1/pass/sell", json={**body, "amount_paid": "50.00"}, headers=headers)
    assert other.status_code == 422 and other.json["field"] == "Idempotency-Key"
    assert _rows(db) == rows
    fresh = api.post("/api/v1/pass/sell", json=body,
                     headers={**headers, "Idempotency-Key": "sale-2"})
    assert fresh.status_code == 201 and fresh.json["result"]["id"] != first.json["result"]["id"]


def test_payment_with_an_idempotency_key_is_taken_once(app, db, api_token):
    client = make_client()
    db.session.commit()
    headers = {**api_token(FRONT_DESK), "Idempotency-Key": "pay-1"}
    api = app.test_client()
    body = {"client_id": client.id, "amount": "20.00", "method": "cash", "purpose": "sale"}
    first = api.post("/api/v1/payment/", json=body, headers=headers)
    assert first.status_code == 201
    again = api.post("/api/v1/payment/", json=body, headers=headers)
    assert (again.status_code, again.json) == (201, first.json)
    assert _count(db, Payment) == 1
    assert api.post("/api/v1/payment/", json={**body, "amount": "21.00"},
                    headers=headers).status_code == 422
    assert _count(db, Payment) == 1


def test_a_refused_request_frees_its_key(app, db, api_token):
    client = make_client()
    db.session.commit()
    headers = {**api_token(FRONT_DESK), "Idempotency-Key": "pay-refused"}
    api = app.test_client()
    refused = api.post("/api/v1/payment/", json={"client_id": client.id, "amount": "-1"},
                       headers=headers)
    assert refused.status_code == 400 and _count(db, IdempotencyKey) == 0
    ok = api.post("/api/v1/payment/", json={"client_id": client.id, "amount": "1"},
                  headers=headers)
    assert ok.status_code == 201


def test_a_replay_while_the_first_runs_is_a_conflict(app, db, api_token):
    from app.services.platform import idempotency

    client = make_client()
    db.session.commit()
    headers = api_token(FRONT_DESK)
    api = app.test_client()
    body = {"client_id": client.id, "amount": "5.00"}
    user_id = db.session.scalars(select(User.id).order_by(User.id.desc())).first()
    fingerprint = idempotency.request_fingerprint("POST", "/api/v1/payment/",
                                                  json.dumps(body).encode())
    idempotency.begin(user_id, "busy", fingerprint)  # a first request still running
    response = api.post("/api/v1/payment/", json=body, headers={**headers,
                                                                  "Idempotency-Key": "busy"})
    assert response.status_code == 409 and _count(db, Payment) == 0


def test_refund_replayed_refunds_once(app, db, api_token):
    pass_ = make_pass(amount_paid=Decimal("100"))
    db.session.commit()
    headers = {**api_token(MANAGER), "Idempotency-Key": "refund-1"}
    api = app.test_client()
    first = api.post(f"/api/v1/pass/{pass_.id}/refund", json={"reason": "moved"},
                     headers=headers)
    again = api.post(f"/api/v1/pass/{pass_.id}/refund", json={"reason": "moved"},
                     headers=headers)
    assert first.status_code == 200 and (again.status_code, again.json) == (200, first.json)
    assert db.session.scalar(select(func.count()).select_from(Payment).where(
        Payment.amount < 0)) == 1


def test_gift_certificate_sell_records_charge_and_payment(app, db, api_token):
    buyer = make_client()
    db.session.commit()
    api = app.test_client()
    headers = api_token(FRONT_DESK)
    response = api.post("/api/v1/giftcertificate/sell",
                        json={"buyer_id": buyer.id, "amount": "40.00", "method": "card"},
                        headers=headers)
    assert response.status_code == 201, response.json
    body = response.json
    assert body["result"]["balance"] == "40.00" and body["result"]["buyer_id"] == buyer.id
    assert body["charge"]["amount"] == "40.00" and body["payment"]["amount"] == "40.00"
    assert body["payment"]["method"] == "card"
    for bad in ({"buyer_id": buyer.id, "amount": "40.00"},
                {"buyer_id": buyer.id, "amount": "40.00", "method": "certificate"},
                {"amount": "40.00", "method": "cash"}):
        refused = api.post("/api/v1/giftcertificate/sell", json=bad, headers=headers)
        assert refused.status_code in (400, 404) and refused.json["field"]
    assert _count(db, GiftCertificate) == 1


NOT_NUMBERS = ['1e309', '1e308', '-1e309', 'NaN', 'Infinity', '123456789012345678901',
               '"123456789012345678901"', '12.5', 'true', '[1]', '{"a": 1}']


@pytest.mark.parametrize("raw", NOT_NUMBERS)
def test_numbers_that_are_not_numbers_are_400s_naming_the_field(app, db, api_token, raw):
    client, plan = make_client(), make_plan()
    db.session.commit()
    api = app.test_client()
    headers = {**api_token(FRONT_DESK), "Content-Type": "application/json"}
    before = _rows(db)
    for url, template, field in (
            ("/api/v1/payment/", '{"client_id": %d, "amount": %%s}' % client.id, "amount"),
            ("/api/v1/payment/", '{"client_id": %s, "amount": "5"}', "client_id"),
            ("/api/v1/pass/sell", '{"client_id": %d, "plan_id": %%s}' % client.id, "plan_id"),
            ("/api/v1/pass/sell", '{"client_id": %d, "plan_id": %d, "amount_paid": %%s}'
             % (client.id, plan.id), "amount_paid"),
            ("/api/v1/giftcertificate/sell",
             '{"buyer_id": %d, "amount": %%s, "method": "cash"}' % client.id, "amount")):
        response = api.post(url, data=template % raw, headers=headers)
        assert response.status_code == 400, (url, raw, response.get_data(as_text=True))
        assert response.json["field"] == field and response.json["message"]
    assert _rows(db) == before


@pytest.mark.parametrize("value", [12, ["cash"], {"m": 1}, True])
def test_non_strings_where_strings_are_expected(app, db, api_token, value):
    client = make_client()
    db.session.commit()
    api = app.test_client()
    response = api.post("/api/v1/payment/", json={"client_id": client.id, "amount": "5",
                                                  "method": value}, headers=api_token(FRONT_DESK))
    assert response.status_code == 400 and response.json["field"] == "method"
    assert _count(db, Payment) == 0


@pytest.mark.parametrize("raw", ['[1, 2]', '"x"', '12', 'not json', '{"a": NaN}'])
def test_a_body_that_is_not_an_object_is_a_400(app, db, api_token, raw):
    response = app.test_client().post(
        "/api/v1/payment/", data=raw,
        headers={**api_token(FRONT_DESK), "Content-Type": "application/json"})
    assert response.status_code == 400 and response.json["message"]


@pytest.mark.parametrize("raw", ["1e309", "1e308", "NaN", "123456789012345678901", "[1]"])
@pytest.mark.parametrize("field", ["price", "sessions", "validity_days"])
def test_plan_api_refuses_numbers_that_are_not_numbers(app, db, api_token, raw, field):
    from app.models.passes import PassPlan
    from tests.factories.passes import make_service

    service = make_service()
    db.session.commit()
    fields = {"name": "P", "services": [service.id], "sessions": 5, "validity_days": 30,
              "time_window": "any", "price": "10", "freezes_allowed": 0,
              "freeze_days_allowed": 0, "low_balance_threshold": 2, "active": True}
    body = json.dumps({**fields, field: "@"}).replace('"@"', raw)
    response = app.test_client().post(
        "/api/v1/passplan/", data=body,
        headers={**api_token(MANAGER), "Content-Type": "application/json"})
    assert response.status_code in (400, 422), response.get_data(as_text=True)
    assert field in json.dumps(response.json)
    assert _count(db, PassPlan) == 0


def test_huge_amounts_are_refused_by_the_services_too(db):
    from app.services.money.payments import take_payment
    from app.services.platform import DomainError

    client = make_client()
    with pytest.raises(DomainError) as refused:
        take_payment(client.id, Decimal("1e20"))
    assert refused.value.field == "amount"
