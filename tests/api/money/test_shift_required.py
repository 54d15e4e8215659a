"""The setting "payments require an open cash shift": without the cashier's open shift a
payment is refused at the desk page (re-rendered with what was typed), in the API (409 JSON
naming the field) and at the shop; with one, every payment is tied to that shift. With the
setting off, payments go on as before (tied to a shift when one is open). Automatic receipts
show on the payment screen."""
import re
from decimal import Decimal

import pytest

from app.models.passes import Payment
from app.security import FRONT_DESK
from app.services.money import shift_for_payment, take_payment
from app.services.money.cash_desk import open_shift
from app.services.platform import Conflict
from tests.factories.passes import make_client
from tests.factories.stock import make_product

MESSAGE = "Open your cash shift at the cash desk before taking or returning money."


@pytest.fixture
def shift_required(app):
    app.config["PAYMENTS_REQUIRE_OPEN_SHIFT"] = True
    yield
    app.config["PAYMENTS_REQUIRE_OPEN_SHIFT"] = False


def _token(html):
    return re.search(r'name="form_token" value="([^"]+)"', html).group(1)


def test_the_service_refuses_without_a_shift_and_ties_the_payment_to_it(db, make_user,
                                                                         shift_required):
    cashier = make_user(FRONT_DESK)
    client = make_client()
    db.session.commit()
    with pytest.raises(Conflict) as refused:
        take_payment(client.id, "10.00", taken_by_id=cashier.id)
    assert refused.value.field == "shift" and str(refused.value.message) == MESSAGE
    db.session.rollback()
    with pytest.raises(Conflict):  # nobody named as cashier: no shift either
        take_payment(client.id, "10.00")
    db.session.rollback()
    shift = open_shift(cashier.id, "50.00")
    payment = take_payment(client.id, "10.00", taken_by_id=cashier.id)
    db.session.commit()
    assert payment.cash_shift_id == shift.id == shift_for_payment(cashier.id)


def test_without_the_setting_payments_are_tied_when_a_shift_is_open(db, make_user):
    cashier = make_user(FRONT_DESK)
    client = make_client()
    loose = take_payment(client.id, "5.00", taken_by_id=cashier.id)
    shift = open_shift(cashier.id, "0")
    tied = take_payment(client.id, "5.00", taken_by_id=cashier.id)
    db.session.commit()
    assert (loose.cash_shift_id, tied.cash_shift_id) == (None, shift.id)


def test_the_api_answers_409_then_takes_the_payment_in_the_shift(app, db, api_token,
                                                                 shift_required):
    headers = api_token(FRONT_DESK)
    client = make_client()
    db.session.commit()
    api = app.test_client()
    refused = api.post("/api/v1/payment/", headers=headers,
                       json={"client_id": client.id, "amount": "12.00"})
    assert refused.status_code == 409, refused.json
    assert refused.json["field"] == "shift" and refused.json["message"] == MESSAGE
    assert db.session.query(Payment).count() == 0
    opened = api.post("/api/v1/cashshift/open", headers=headers, json={"opening_float": "0"})
    paid = api.post("/api/v1/payment/", headers=headers,
                    json={"client_id": client.id, "amount": "12.00"})
    assert paid.status_code == 201, paid.json
    assert paid.json["result"]["cash_shift_id"] == opened.json["result"]["id"]
    # the shop: an anonymous sale paid in cash is refused the same way, nothing sold
    water = make_product(stock=3, sale_price=Decimal("2.00"))
    db.session.commit()
    other = api_token(FRONT_DESK)
    sale = api.post("/api/v1/sale/", headers=other, json={
        "lines": [{"product_id": water.id}], "payments": [{"method": "cash", "amount": "2.00"}]})
    assert sale.status_code == 409 and sale.json["field"] == "shift"
    sold = api.post("/api/v1/sale/", headers=headers, json={
        "lines": [{"product_id": water.id}], "payments": [{"method": "cash", "amount": "2.00"}]})
    assert sold.status_code == 201, sold.json
    assert sold.json["result"]["receipt"]["number"].startswith("RCP-")


def test_the_desk_page_keeps_the_input_and_says_why(app, db, login, shift_required):
    desk = login(FRONT_DESK)
    client = make_client()
    db.session.commit()
    page = desk.get(f"/sales/payment?client_id={client.id}").get_data(as_text=True)
    answer = desk.post("/sales/payment", data={
        "client_id": client.id, "amount": "33.30", "method": "card", "purpose": "visit",
        "reason": "for May", "form_token": _token(page)})
    html = answer.get_data(as_text=True)
    assert answer.status_code == 200 and MESSAGE in html
    assert 'value="33.30"' in html and 'value="for May"' in html
    assert re.search(r'<option value="card"\s+selected', html)
    assert db.session.query(Payment).count() == 0
    desk.post("/cash-desk/open", data={"opening_float": "0"})
    app.config["AUTO_RECEIPTS"] = True
    try:
        page = desk.get(f"/sales/payment?client_id={client.id}").get_data(as_text=True)
        done = desk.post("/sales/payment", data={
            "client_id": client.id, "amount": "33.30", "method": "card", "purpose": "visit",
            "form_token": _token(page)})
        assert done.status_code == 302
    finally:
        app.config["AUTO_RECEIPTS"] = False
    payment = db.session.query(Payment).one()
    assert payment.cash_shift_id is not None
    from app.models.jobs import JobRecord  # the receipt's PDF job went to Redis after the request

    job = db.session.query(JobRecord).filter_by(kind="document:pdf").one()
    assert job.enqueued_on is not None
    screen = desk.get(f"/sales/payment?client_id={client.id}").get_data(as_text=True)
    assert re.search(r'href="/documents/\d+">RCP-\d{4}-000001</a>', screen)
