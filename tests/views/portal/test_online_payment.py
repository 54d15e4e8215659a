"""Paying online from the portal against a real loopback provider: a debt and a pass, the
payment recorded once whatever the replays, a wrong amount refused and listed, a bad signature
refused, refunds, and the nightly reconciliation (SQLite and PostgreSQL)."""
import threading
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.models.passes import Pass, Payment
from app.models.portal import OnlineCheckout
from app.services import money
from app.services.portal import online_payment
from app.services.portal.providers import get_provider
from tests.factories.clients import make_client
from tests.factories.passes import make_plan
from tests.factories.portal import PASSWORD, make_account
from tests.payment_fixtures import payment_provider  # noqa: F401

WEBHOOK = "/api/v1/portal/payments/webhook"


def _portal(app, db, client, login):
    make_account([client], login=login)
    db.session.commit()
    web = app.test_client()
    assert web.post("/my/login", data={"contact": login, "password": PASSWORD}).status_code == 302
    return web


def _payments(client_id):
    from app.extensions import db

    return db.session.scalar(select(func.count(Payment.id)).where(Payment.client_id == client_id))


def test_debt_paid_online_once_whatever_the_replays(app, db, payment_provider):
    client = make_client(email="debt@example.org")
    money.add_charge(client.id, Decimal("42.50"), "visit", description="visits")
    db.session.commit()
    web = _portal(app, db, client, "debt@example.org")
    assert b'class="portal-inline pay-debt"' in web.get("/my/").data
    response = web.post("/my/pay", data={"client_id": client.id, "purpose": "debt"})
    assert response.status_code == 302
    assert response.headers["Location"].startswith(payment_provider.url + "/pay/co_")
    (checkout_id,) = payment_provider.checkouts
    assert payment_provider.checkouts[checkout_id]["amount"] == "42.50"
    body, headers = payment_provider.pay(checkout_id)
    hook = app.test_client()
    first = hook.post(WEBHOOK, data=body, headers=headers)
    assert first.status_code == 200 and first.json["outcome"] == "recorded"
    assert money.client_balances([client.id])[client.id] == Decimal("0.00")
    for _ in range(3):  # replays
        again = hook.post(WEBHOOK, data=body, headers=headers)
        assert again.status_code == 200 and again.json["outcome"] == "ignored"
    assert _payments(client.id) == 1
    assert online_payment.reconcile(get_provider()) == []


def test_duplicated_webhooks_at_once_record_one_payment(app, db, payment_provider):
    client = make_client()
    money.add_charge(client.id, Decimal("10.00"), "visit", description="visit")
    checkout, _url = online_payment.start_checkout(get_provider(), client.id, "debt")
    db.session.commit()
    body, headers = payment_provider.pay(checkout.provider_checkout_id)
    outcomes = []

    def deliver():
        with app.app_context():
            response = app.test_client().post(WEBHOOK, data=body, headers=headers)
            outcomes.append((response.status_code, (response.json or {}).get("outcome")))

    threads = [threading.Thread(target=deliver) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    recorded = [o for o in outcomes if o == (200, "recorded")]
    assert len(recorded) == 1, outcomes
    assert all(status in (200, 409, 503) for status, _o in outcomes), outcomes
    db.session.expire_all()
    assert _payments(client.id) == 1


def test_pass_bought_online(app, db, payment_provider):
    client = make_client(email="buy@example.org")
    plan = make_plan(price=Decimal("80.00"))
    db.session.commit()
    web = _portal(app, db, client, "buy@example.org")
    assert plan.name.encode() in web.get("/my/").data
    response = web.post("/my/pay", data={"client_id": client.id, "purpose": "pass",
                                         "plan_id": plan.id})
    assert response.status_code == 302
    (checkout_id,) = payment_provider.checkouts
    body, headers = payment_provider.pay(checkout_id)
    assert app.test_client().post(WEBHOOK, data=body, headers=headers).json["outcome"] == "recorded"
    assert app.test_client().post(WEBHOOK, data=body, headers=headers).json["outcome"] == "ignored"
    db.session.expire_all()
    passes = db.session.scalars(select(Pass).where(Pass.client_id == client.id)).all()
    assert len(passes) == 1 and passes[0].plan_id == plan.id
    assert money.client_balances([client.id])[client.id] == Decimal("0.00")

    checkout = db.session.scalar(select(OnlineCheckout))
    online_payment.refund_checkout(get_provider(), checkout.id, "changed her mind")
    db.session.commit()
    assert payment_provider.refunds == [(checkout_id, "80.00")]
    assert money.client_balances([client.id])[client.id] == Decimal("80.00")


def test_wrong_amount_refused_and_listed_by_reconciliation(app, db, payment_provider):
    client = make_client()
    money.add_charge(client.id, Decimal("30.00"), "visit", description="visits")
    checkout, _url = online_payment.start_checkout(get_provider(), client.id, "debt")
    other, _url = online_payment.start_checkout(get_provider(), client.id, "debt")
    db.session.commit()
    body, headers = payment_provider.pay(checkout.provider_checkout_id, amount=Decimal("3.00"))
    response = app.test_client().post(WEBHOOK, data=body, headers=headers)
    assert response.json["outcome"] == "mismatch"
    assert _payments(client.id) == 0
    db.session.expire_all()
    assert db.session.get(OnlineCheckout, checkout.id).status == "mismatch"
    # paid at the provider, its webhook lost: not recorded
    payment_provider.pay(other.provider_checkout_id)
    # recorded here, but the provider no longer counts it as paid (e.g. charged back)
    third, _url = online_payment.start_checkout(get_provider(), client.id, "debt")
    db.session.commit()
    body, headers = payment_provider.pay(third.provider_checkout_id)
    assert app.test_client().post(WEBHOOK, data=body,
                                  headers=headers).json["outcome"] == "recorded"
    payment_provider.checkouts[third.provider_checkout_id]["status"] = "charged_back"
    from app.jobs.portal import reconcile_online_payments

    found = reconcile_online_payments()
    assert sorted(row[0] for row in found) == ["amount", "not_paid_at_provider", "not_recorded"]
    assert [row[1] for row in found if row[0] == "not_recorded"] == [other.reference]


def test_bad_signature_refused(app, db, payment_provider):
    client = make_client()
    money.add_charge(client.id, Decimal("10.00"), "visit", description="visit")
    checkout, _url = online_payment.start_checkout(get_provider(), client.id, "debt")
    db.session.commit()
    body, headers = payment_provider.pay(checkout.provider_checkout_id)
    forged = body.replace(b'"10.00"', b'"1.00"')
    response = app.test_client().post(WEBHOOK, data=forged, headers=headers)
    assert response.status_code == 400 and response.json["field"] == "signature"
    assert _payments(client.id) == 0


def test_a_provider_event_id_of_digits_is_not_a_record_id(app, db, payment_provider):
    """A provider's event id made of digits (beyond a database integer) is not refused as a
    record id out of range (the input guard's rule for ``…_id`` fields)."""
    client = make_client()
    money.add_charge(client.id, Decimal("10.00"), "visit", description="visit")
    checkout, _url = online_payment.start_checkout(get_provider(), client.id, "debt")
    db.session.commit()
    body, headers = payment_provider.pay(checkout.provider_checkout_id,
                                         event_id="98765432109876543210")
    response = app.test_client().post(WEBHOOK, data=body, headers=headers)
    assert response.status_code == 200 and response.json["outcome"] == "recorded", response.json
    assert _payments(client.id) == 1


def test_no_debt_nothing_to_pay(app, db, payment_provider):
    client = make_client()
    db.session.commit()
    with pytest.raises(Exception) as refused:
        online_payment.start_checkout(get_provider(), client.id, "debt")
    assert refused.value.field == "amount"
    assert payment_provider.checkouts == {}


def test_staff_see_online_payments_and_mismatches(app, db, payment_provider, login):
    client = make_client(first_name="Mismatched")
    money.add_charge(client.id, Decimal("30.00"), "visit", description="visits")
    checkout, _url = online_payment.start_checkout(get_provider(), client.id, "debt")
    db.session.commit()
    body, headers = payment_provider.pay(checkout.provider_checkout_id, amount=Decimal("29.99"))
    assert app.test_client().post(WEBHOOK, data=body,
                                  headers=headers).json["outcome"] == "mismatch"
    page = login("Accountant").get("/online-checkouts/list/")
    assert page.status_code == 200
    assert b"Mismatched" in page.data and b"29.99" in page.data
    assert login("Instructor").get("/online-checkouts/list/").status_code in (302, 403)


def test_client_cannot_pay_for_another_family(app, db, payment_provider):
    mine = make_client(email="own@example.org")
    stranger = make_client()
    money.add_charge(stranger.id, Decimal("5.00"), "visit", description="visit")
    db.session.commit()
    web = _portal(app, db, mine, "own@example.org")
    response = web.post("/my/pay", data={"client_id": stranger.id, "purpose": "debt"})
    assert response.status_code == 302 and payment_provider.url not in response.headers["Location"]
    assert payment_provider.checkouts == {}
