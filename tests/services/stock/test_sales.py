"""Desk sales: the client's discount, payments through the money domain (partial → debt),
anonymous sales paid in full, returns that put goods back and reverse the money."""
from decimal import Decimal

import pytest

from app.services.money import client_balances
from app.services.platform import Conflict, DomainError
from app.services.stock import movements, sales
from tests.factories.clients import make_client
from tests.factories.stock import make_product


def test_sale_with_discount_and_partial_payment_leaves_a_debt(app, db):
    water = make_product(stock=10, sale_price=Decimal("2.00"))
    kit = make_product(stock=2, sale_price=Decimal("30.00"))
    ann = make_client(discount_percent=Decimal("10"))
    sale = sales.sell([{"product_id": water.id, "quantity": 2}, {"product_id": kit.id},
                       {"product_id": water.id, "quantity": 1}], client_id=ann.id,
                      payments=[{"method": "cash", "amount": "20.00"},
                                {"method": "card", "amount": "10.00"}])
    db.session.commit()
    assert (sale.subtotal, sale.total, sale.paid) == (Decimal("36.00"), Decimal("32.40"),
                                                      Decimal("30.00"))
    assert sorted((line.product_id, line.quantity, line.amount) for line in sale.lines) == [
        (water.id, 3, Decimal("5.40")), (kit.id, 1, Decimal("27.00"))]
    assert client_balances([ann.id])[ann.id] == Decimal("2.40")
    assert movements.stock_levels([water.id, kit.id]) == {water.id: 7, kit.id: 1}


def test_refusals_leave_nothing(app, db):
    water = make_product(stock=1, sale_price=Decimal("2.00"))
    db.session.commit()
    with pytest.raises(DomainError) as refused:
        sales.sell([{"product_id": water.id, "quantity": 1}], payments=[])
    assert refused.value.field == "payments"  # no client: paid in full now
    db.session.rollback()
    with pytest.raises(DomainError) as refused:
        sales.sell([{"product_id": water.id, "quantity": 2}],
                   payments=[{"method": "cash", "amount": "4.00"}])
    assert refused.value.field == "quantity"
    db.session.rollback()
    with pytest.raises(DomainError) as refused:
        sales.sell([{"product_id": water.id}], payments=[{"method": "cash", "amount": "5.00"}])
    assert refused.value.field == "payments"
    db.session.rollback()
    with pytest.raises(DomainError):
        sales.sell([], payments=[])
    db.session.rollback()
    assert movements.stock_levels([water.id]) == {water.id: 1}


def test_return_puts_goods_back_and_reverses_the_money(app, db):
    water = make_product(stock=5, sale_price=Decimal("2.00"))
    ann = make_client()
    db.session.commit()
    sale = sales.sell([{"product_id": water.id, "quantity": 3}], client_id=ann.id,
                      payments=[{"method": "card", "amount": "5.00"}])
    db.session.commit()
    assert client_balances([ann.id])[ann.id] == Decimal("1.00")
    sales.return_sale(sale.id, "Wrong flavour")
    db.session.commit()
    assert movements.stock_levels([water.id]) == {water.id: 5}
    assert client_balances([ann.id]).get(ann.id, Decimal("0")) == Decimal("0")
    assert sale.status == "returned" and sum(p.amount for p in sale.payments) == 0
    with pytest.raises(Conflict):
        sales.return_sale(sale.id, "Again")
    db.session.rollback()
    anonymous = sales.sell([{"product_id": water.id}], payments=[{"method": "cash", "amount": "2"}])
    db.session.commit()
    with pytest.raises(DomainError):
        sales.return_sale(anonymous.id, "")
    db.session.rollback()
    sales.return_sale(anonymous.id, "Changed mind")
    db.session.commit()
    assert movements.stock_levels([water.id]) == {water.id: 5}


def test_sales_by_product(app, db):
    from datetime import date

    water = make_product(stock=10, name="Water", sale_price=Decimal("2.00"))
    bar = make_product(stock=10, name="Bar", sale_price=Decimal("1.50"))
    sales.sell([{"product_id": water.id, "quantity": 3}, {"product_id": bar.id}],
               payments=[{"method": "cash", "amount": "7.50"}])
    returned = sales.sell([{"product_id": bar.id, "quantity": 4}],
                          payments=[{"method": "cash", "amount": "6.00"}])
    sales.return_sale(returned.id, "Expired")
    db.session.commit()
    rows = sales.sales_by_product(date.today(), date.today())
    assert [(r.name, r.quantity, r.revenue) for r in rows] == [
        ("Water", 3, Decimal("6.00")), ("Bar", 1, Decimal("1.50"))]


def test_one_receipt_mixes_goods_and_a_pass(app, db):
    from app.models.passes import Pass
    from tests.factories.passes import make_plan

    water = make_product(stock=5, sale_price=Decimal("2.00"))
    plan = make_plan(price=Decimal("100.00"))
    ann = make_client(discount_percent=Decimal("10"))
    db.session.commit()
    with pytest.raises(DomainError) as refused:
        sales.sell([{"plan_id": plan.id}], payments=[])
    assert refused.value.field == "client_id"
    db.session.rollback()
    sale = sales.sell([{"product_id": water.id, "quantity": 2}, {"plan_id": plan.id}],
                      client_id=ann.id, payments=[{"method": "card", "amount": "93.60"}])
    db.session.commit()
    pass_ = db.session.query(Pass).filter_by(client_id=ann.id).one()
    assert (sale.subtotal, sale.total, sale.paid) == (Decimal("104.00"), Decimal("93.60"),
                                                      Decimal("93.60"))
    assert pass_.price_paid == Decimal("90.00") and pass_.status == "active"
    assert sorted((line.pass_id is not None, line.amount) for line in sale.lines) == [
        (False, Decimal("3.60")), (True, Decimal("90.00"))]
    assert client_balances([ann.id]).get(ann.id, Decimal("0")) == Decimal("0")
    assert movements.stock_levels([water.id]) == {water.id: 3}
