"""Forms that move money carry a one-time token: submitting the same form twice records once,
and a refused form keeps its token so the corrected one goes through."""
import re
from datetime import date
from decimal import Decimal

from app.models.passes import Pass, Payment
from app.security import FRONT_DESK, MANAGER
from tests.factories.passes import make_client, make_pass, make_plan

TODAY = date.today()


def _token(html):
    return re.search(r'name="form_token" value="([^"]+)"', html).group(1)


def test_the_sell_form_sold_twice_sells_once(login, db):
    customer, plan = make_client(), make_plan()
    db.session.commit()
    desk = login(FRONT_DESK)
    page = desk.get(f"/sales/sell?client_id={customer.id}&plan_id={plan.id}")
    token = _token(page.get_data(as_text=True))
    data = {"client_id": customer.id, "plan_id": plan.id, "start_date": TODAY.isoformat(),
            "method": "cash", "amount_paid": "100", "action": "sell", "form_token": token}
    assert desk.post("/sales/sell", data=data).status_code == 302
    second = desk.post("/sales/sell", data=data, follow_redirects=True)
    assert "already submitted" in second.get_data(as_text=True)
    assert db.session.query(Pass).count() == 1 and db.session.query(Payment).count() == 1


def test_a_refused_sell_form_keeps_its_token(login, db):
    customer, plan = make_client(), make_plan()
    db.session.commit()
    desk = login(FRONT_DESK)
    token = _token(desk.get(f"/sales/sell?client_id={customer.id}").get_data(as_text=True))
    data = {"client_id": customer.id, "plan_id": plan.id, "method": "cash",
            "amount_paid": "abc", "action": "sell", "form_token": token}
    refused = desk.post("/sales/sell", data=data)
    assert _token(refused.get_data(as_text=True)) == token
    assert desk.post("/sales/sell", data={**data, "amount_paid": "10"}).status_code == 302
    assert db.session.query(Pass).count() == 1


def test_the_payment_form_sent_twice_pays_once(login, db):
    customer = make_client()
    db.session.commit()
    desk = login(FRONT_DESK)
    token = _token(desk.get(f"/sales/payment?client_id={customer.id}").get_data(as_text=True))
    data = {"client_id": customer.id, "amount": "12.50", "method": "cash", "purpose": "sale",
            "form_token": token}
    for _ in range(2):
        assert desk.post("/sales/payment", data=data).status_code == 302
    assert [p.amount for p in db.session.query(Payment)] == [Decimal("12.50")]


def test_the_refund_form_sent_twice_refunds_once(login, db):
    pass_ = make_pass(amount_paid=Decimal("100"))
    db.session.commit()
    manager = login(MANAGER)
    token = _token(manager.get(f"/pass/show/{pass_.id}").get_data(as_text=True))
    for _ in range(2):
        manager.post(f"/pass/{pass_.id}/refund", data={"reason": "moved", "method": "cash",
                                                       "form_token": token})
    assert db.session.query(Payment).filter(Payment.amount < 0).count() == 1


def test_the_sell_form_says_when_a_plan_covers_part_of_the_day(login, db):
    customer, plan = make_client(), make_plan(time_window="day")
    db.session.commit()
    html = login(FRONT_DESK).get(f"/sales/sell?client_id={customer.id}&plan_id={plan.id}") \
        .get_data(as_text=True)
    assert "covers 12:00–17:00 only" in html and plan.services[0].name in html
