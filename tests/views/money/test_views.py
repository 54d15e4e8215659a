"""Sales pages: permissions per role, rendering, red rows, actions through the services."""
from datetime import date, timedelta
from decimal import Decimal

import pytest

from app.models.passes import Pass, Payment
from app.security import ACCOUNTANT, ADMIN, FRONT_DESK, INSTRUCTOR, MANAGER, STOREKEEPER
from tests.factories.passes import make_client, make_discount, make_pass, make_plan

TODAY = date.today()
PAGES = ["/service/list/", "/passplan/list/", "/pass/list/", "/payment/list/", "/discount/list/",
         "/giftcertificate/list/", "/debts/", "/passes-running-out/"]


def _ok(response):
    return response.status_code == 200


@pytest.mark.parametrize("role", [ADMIN, MANAGER, FRONT_DESK, ACCOUNTANT])
def test_money_pages_are_readable_by_sales_and_accounting(login, role):
    client = login(role)
    for page in PAGES:
        assert _ok(client.get(page)), (role, page)


@pytest.mark.parametrize("role", [INSTRUCTOR, STOREKEEPER])
def test_money_pages_are_refused_to_other_roles(login, role):
    client = login(role)
    for page in PAGES + ["/sales/sell", "/sales/payment"]:
        assert client.get(page).status_code in (302, 403), (role, page)


def test_accountant_cannot_sell_or_take_payments(login):
    client = login(ACCOUNTANT)
    assert client.get("/sales/sell").status_code in (302, 403)
    assert client.get("/service/add").status_code in (302, 403)


def test_front_desk_menu_has_sales_but_not_refunds(login, db):
    desk = login(FRONT_DESK)
    menu = desk.get("/api/v1/menu/").json["result"]
    sales = next(item for item in menu if item["name"] == "Sales")
    names = {child["name"] for child in sales["childs"]}
    assert {"Sell a pass", "Take a payment", "Passes", "Debts"} <= names
    accountant_menu = login(ACCOUNTANT).get("/api/v1/menu/").json["result"]
    accountant_sales = next(item for item in accountant_menu if item["name"] == "Sales")
    assert "Sell a pass" not in {c["name"] for c in accountant_sales["childs"]}


def test_sell_page_shows_price_after_discount_and_sells(login, db):
    customer = make_client(discount_percent=Decimal("10"))
    plan = make_plan(price=Decimal("200.00"))
    make_discount(plan, "15")
    db.session.commit()
    desk = login(FRONT_DESK)
    page = desk.get(f"/sales/sell?client_id={customer.id}&plan_id={plan.id}")
    assert _ok(page) and "170.00" in page.get_data(as_text=True)
    response = desk.post("/sales/sell", data={
        "client_id": customer.id, "plan_id": plan.id, "start_date": TODAY.isoformat(),
        "method": "cash", "amount_paid": "100", "action": "sell"})
    assert response.status_code == 302
    db.session.expire_all()
    pass_ = db.session.query(Pass).one()
    assert pass_.price_paid == Decimal("170.00")
    payment = db.session.query(Payment).one()
    assert payment.amount == Decimal("100.00") and payment.taken_by_fk == desk.user_id


def test_sell_page_shows_a_refusal(login, db):
    customer = make_client()
    plan = make_plan(active=True)
    db.session.commit()
    response = login(FRONT_DESK).post("/sales/sell", data={
        "client_id": customer.id, "plan_id": plan.id, "amount_paid": "abc", "action": "sell"},
        follow_redirects=True)
    assert _ok(response) and "12.50" in response.get_data(as_text=True)
    assert db.session.query(Pass).count() == 0


def test_take_payment_page(login, db):
    pass_ = make_pass(amount_paid=Decimal("0"))
    db.session.commit()
    desk = login(FRONT_DESK)
    assert _ok(desk.get(f"/sales/payment?client_id={pass_.client_id}"))
    response = desk.post("/sales/payment", data={
        "client_id": pass_.client_id, "amount": "40,50", "method": "card", "purpose": "pass",
        "pass_id": pass_.id})
    assert response.status_code == 302
    assert db.session.query(Payment).one().amount == Decimal("40.50")


def test_pass_list_marks_red_rows_with_constant_queries(login, db, count_queries, app):
    make_pass(make_client(), make_plan(sessions=10, validity_days=60), amount_paid=Decimal("100"))
    red = make_pass(make_client(), make_plan(sessions=2, validity_days=60),
                    amount_paid=Decimal("100"))
    db.session.commit()
    client = login(MANAGER)
    html = client.get("/pass/list/").get_data(as_text=True)
    assert html.count("pass-red") == 1
    assert f'data-pk="{red.id}"' in html.split("pass-red")[1][:40]

    for _ in range(6):
        make_pass(make_client(), make_plan(sessions=2), amount_paid=Decimal("10"))
    db.session.commit()
    with count_queries() as few:
        client.get("/pass/list/")
    for _ in range(10):
        make_pass(make_client(), make_plan(sessions=2), amount_paid=Decimal("10"))
    db.session.commit()
    with count_queries() as many:
        html = client.get("/pass/list/").get_data(as_text=True)
    assert many() == few()
    assert html.count("pass-red") == 17  # all but the first one


def test_freeze_and_refund_actions_follow_permissions(login, db):
    pass_ = make_pass(make_client(), make_plan(), amount_paid=Decimal("100"))
    db.session.commit()
    desk = login(FRONT_DESK)
    show = desk.get(f"/pass/show/{pass_.id}").get_data(as_text=True)
    assert "pass-freeze" in show and "pass-refund" not in show
    response = desk.post(f"/pass/{pass_.id}/freeze",
                         data={"start": TODAY.isoformat(), "days": "3"})
    assert response.status_code == 302
    assert desk.post(f"/pass/{pass_.id}/refund", data={"reason": "x"}).status_code in (302, 403)
    db.session.expire_all()
    assert db.session.get(Pass, pass_.id).status == "frozen"
    manager = login(MANAGER)
    assert manager.post(f"/pass/{pass_.id}/unfreeze").status_code == 302
    manager.post(f"/pass/{pass_.id}/extend", data={"days": "5", "reason": "closure"})
    manager.post(f"/pass/{pass_.id}/refund", data={"reason": "moving"})
    db.session.expire_all()
    refreshed = db.session.get(Pass, pass_.id)
    assert refreshed.status == "refunded"
    assert refreshed.end_date == TODAY + timedelta(days=29 + 5)


def test_refused_freeze_is_shown_as_a_message(login, db):
    pass_ = make_pass(make_client(), make_plan(freezes_allowed=0))
    db.session.commit()
    response = login(MANAGER).post(f"/pass/{pass_.id}/freeze", data={
        "start": TODAY.isoformat(), "days": "3"}, follow_redirects=True)
    assert "freezes" in response.get_data(as_text=True)


def test_debts_and_running_out_pages(login, db):
    owing = make_pass(make_client(last_name="Debtor"), make_plan(sessions=10, validity_days=60),
                      amount_paid=Decimal("30"))
    make_pass(make_client(last_name="Lowbalance"), make_plan(sessions=1),
              amount_paid=Decimal("100"))
    db.session.commit()
    client = login(ACCOUNTANT)
    debts = client.get("/debts/").get_data(as_text=True)
    assert "Debtor" in debts and "70.00" in debts and "Lowbalance" not in debts
    running = client.get("/passes-running-out/").get_data(as_text=True)
    assert "Lowbalance" in running and owing.client.last_name not in running


def test_plan_form_refuses_a_plan_without_services(login, db):
    client = login(MANAGER)
    client.post("/passplan/add", data={"name": "Empty", "validity_days": "30",
                                       "time_window": "any", "price": "10",
                                       "freezes_allowed": "0", "freeze_days_allowed": "0",
                                       "low_balance_threshold": "2", "active": "y"})
    from app.models.passes import PassPlan

    assert db.session.query(PassPlan).count() == 0


def test_gift_certificate_form_generates_a_code(login, db):
    from app.models.passes import Charge, GiftCertificate, Payment

    buyer = make_client()
    db.session.commit()
    client = login(FRONT_DESK)
    client.post("/giftcertificate/add", data={"code": "", "initial_amount": "25",
                                              "buyer": str(buyer.id), "method": "card"})
    cert = db.session.query(GiftCertificate).one()
    assert len(cert.code) == 10 and cert.balance == Decimal("25.00")
    charge, payment = db.session.query(Charge).one(), db.session.query(Payment).one()
    assert (charge.client_id, charge.amount, charge.kind) == (buyer.id, Decimal("25.00"),
                                                              "certificate")
    assert (payment.client_id, payment.amount, payment.method) == (buyer.id, Decimal("25.00"),
                                                                   "card")


def test_gift_certificate_form_refuses_unpaid_value(login, db):
    from app.models.passes import GiftCertificate

    client = login(FRONT_DESK)
    page = client.post("/giftcertificate/add", data={"code": "", "initial_amount": "25"})
    assert page.status_code == 200 and "25" in page.get_data(as_text=True)
    assert db.session.query(GiftCertificate).count() == 0


def test_card_sections_render_with_constant_queries(app, db, count_queries):
    from flask import render_template

    from app.services.clients.card import CARD_SECTIONS
    from app.views.money.pages import bonus_section, passes_section, payments_section

    assert CARD_SECTIONS["passes"].build is passes_section
    assert CARD_SECTIONS["payments"].build is payments_section
    assert CARD_SECTIONS["bonus"].build is bonus_section
    customer = make_client()
    make_pass(customer, make_plan(sessions=2), amount_paid=Decimal("50"))
    db.session.commit()
    with count_queries() as few:
        data = passes_section(customer)
    for _ in range(5):
        make_pass(customer, make_plan(sessions=2), amount_paid=Decimal("50"))
    db.session.commit()
    with count_queries() as many:
        data = passes_section(customer)
    assert many() == few()
    assert len(data["items"]) == 6 and data["balance"] == Decimal("300.00")
    with app.test_request_context("/"):
        html = render_template("money/card_passes.html", section=data, client=customer)
        assert html.count("pass-red") == 6 and "300.00" in html
        html = render_template("money/card_payments.html",
                               section=payments_section(customer), client=customer)
        assert html.count("50.00") >= 6
        html = render_template("money/card_bonus.html", section=bonus_section(customer),
                               client=customer)
        assert "15.00" in html  # 5 % of 300 paid


def test_passes_are_not_edited_by_hand_and_desk_search_finds_clients(login, db):
    customer = make_client(first_name="Anahit", last_name="Grigoryan")
    pass_ = make_pass(customer)
    db.session.commit()
    manager = login(MANAGER)
    assert manager.get(f"/pass/edit/{pass_.id}").status_code == 404
    assert manager.get("/pass/add").status_code == 404
    found = manager.get("/sales/sell?q=grigor").get_data(as_text=True)
    assert f"?client_id={customer.id}" in found


def test_debts_list_is_paginated_with_constant_queries(login, db, count_queries, monkeypatch):
    """The debts list shows one page of debtors, sorted in SQL, in the same number of queries
    for 2 debtors as for 12; the total is over all of them."""
    from app.services.money.payments import add_charge
    from app.views.money.pages import DebtsView

    monkeypatch.setattr(DebtsView, "page_size", 5)
    browser = login(ACCOUNTANT)

    def owe(n, start):
        for i in range(start, start + n):
            client = make_client(last_name=f"Owes{i:02d}")
            add_charge(client.id, Decimal(10 + i), "other", on=TODAY - timedelta(days=100 - i))
        db.session.commit()

    owe(2, 0)
    with count_queries() as few:
        page = browser.get("/debts/").get_data(as_text=True)
    assert "Owes00" in page and "Owes01" in page and 'rel="next"' not in page
    owe(10, 2)
    with count_queries() as many:
        page = browser.get("/debts/").get_data(as_text=True)
    assert many() == few()
    assert [f"Owes{i:02d}" in page for i in (0, 4, 5)] == [True, True, False]
    assert 'rel="next"' in page and "186.00" in page  # 10 + 11 + … + 21, every debtor
    last = browser.get("/debts/?page=3").get_data(as_text=True)
    assert "Owes10" in last and "Owes11" in last and "Owes09" not in last
    largest = browser.get("/debts/?order=balance").get_data(as_text=True)
    assert "Owes11" in largest and "Owes00" not in largest
    assert browser.get("/debts/?page=x&order=';drop").status_code == 200
