"""Issue 13's last limits: every shop sale has a numbered receipt document of the documents
domain, and a receipt holding a pass and goods is returned as a whole (goods back to stock, the
pass refunded by money's refund rule, the money given back less what the pass already used), in
one transaction, refused when the rule leaves nothing of the pass to refund."""
from datetime import date
from decimal import Decimal

import pytest

from app.models.documents import Document
from app.models.passes import Pass, Payment
from app.models.stock import Sale
from app.services.money import client_balances
from app.services.platform import Conflict
from app.services.stock import movements, sales
from tests.factories.clients import make_client
from tests.factories.passes import make_plan
from tests.factories.stock import make_product


def test_every_sale_gets_the_next_receipt_number(app, db):
    water = make_product(stock=5, sale_price=Decimal("2.00"))
    ann = make_client()
    db.session.commit()
    first = sales.sell([{"product_id": water.id}], payments=[{"method": "cash", "amount": "2"}])
    second = sales.sell([{"product_id": water.id, "quantity": 2}], client_id=ann.id,
                        payments=[{"method": "card", "amount": "4.00"}])
    db.session.commit()
    receipts = db.session.query(Document).filter_by(kind="receipt").order_by(Document.id).all()
    year = date.today().year
    assert [(d.sale_id, d.number, d.client_id) for d in receipts] == [
        (first.id, f"RCP-{year}-000001", None), (second.id, f"RCP-{year}-000002", ann.id)]
    # a payment of a sale gets no receipt of its own, even with automatic receipts on
    app.config["AUTO_RECEIPTS"] = True
    try:
        sales.sell([{"product_id": water.id}], client_id=ann.id,
                   payments=[{"method": "cash", "amount": "2.00"}])
        db.session.commit()
    finally:
        app.config["AUTO_RECEIPTS"] = False
    assert db.session.query(Document).filter_by(kind="receipt").count() == 3
    assert db.session.query(Document).filter(Document.payment_id.is_not(None)).count() == 0


def _mixed_sale(plan_sessions=10):
    water = make_product(stock=5, sale_price=Decimal("2.00"))
    plan = make_plan(price=Decimal("100.00"), sessions=plan_sessions)
    ann = make_client(discount_percent=Decimal("10"))
    db_sale = sales.sell([{"product_id": water.id, "quantity": 2}, {"plan_id": plan.id}],
                         client_id=ann.id, payments=[{"method": "card", "amount": "93.60"}])
    return water, ann, db_sale


def test_a_receipt_with_a_pass_and_goods_is_returned_as_a_whole(app, db):
    water, ann, sale = _mixed_sale()
    db.session.commit()
    pass_ = db.session.query(Pass).filter_by(client_id=ann.id).one()
    pass_.sessions_used = 1  # one of ten sessions used: 9.00 of the 90.00 paid for it
    db.session.commit()
    sales.return_sale(sale.id, "Moving away")
    db.session.commit()
    db.session.expire_all()
    sale = db.session.get(Sale, sale.id)
    assert sale.status == "returned"
    assert movements.stock_levels([water.id]) == {water.id: 5}
    assert db.session.get(Pass, pass_.id).status == "refunded"
    # paid 93.60; the used session (9.00) is kept; 84.60 goes back by the receipt's method
    refunds = db.session.query(Payment).filter(Payment.amount < 0).all()
    assert [(p.amount, p.method) for p in refunds] == [(Decimal("-84.60"), "card")]
    assert client_balances([ann.id]).get(ann.id, Decimal("0")) == Decimal("0.00")
    assert sum(p.amount for p in sale.payments) == Decimal("9.00")
    with pytest.raises(Conflict):
        sales.return_sale(sale.id, "Again")
    db.session.rollback()


def test_a_used_up_pass_refuses_the_whole_return_and_changes_nothing(app, db):
    water, ann, sale = _mixed_sale(plan_sessions=2)
    db.session.commit()
    pass_ = db.session.query(Pass).filter_by(client_id=ann.id).one()
    pass_.sessions_used = 2
    db.session.commit()
    with pytest.raises(Conflict) as refused:
        sales.return_sale(sale.id, "Moving away")
    assert "used up" in str(refused.value.message) and refused.value.field == "pass"
    db.session.rollback()
    db.session.expire_all()
    assert db.session.get(Sale, sale.id).status == "done"
    assert db.session.get(Pass, pass_.id).status == "active"
    assert movements.stock_levels([water.id]) == {water.id: 3}
    assert db.session.query(Payment).filter(Payment.amount < 0).count() == 0


def test_the_sale_receipt_prints_its_lines_and_payments(app, db, tmp_path):
    import subprocess

    from app.services.documents import build_pdf

    app.config["DOCUMENTS_FOLDER"], saved = str(tmp_path), app.config.get("DOCUMENTS_FOLDER")
    try:
        water, ann, sale = _mixed_sale()
        db.session.commit()
        document = db.session.query(Document).filter_by(sale_id=sale.id).one()
        path = build_pdf(document.id)
        db.session.commit()
    finally:
        app.config["DOCUMENTS_FOLDER"] = saved
    text = subprocess.run(["pdftotext", "-layout", path, "-"], capture_output=True, text=True,
                          check=True).stdout
    assert document.number in text and water.name in text and ann.full_name in text
    assert "93.60" in text and "3.60" in text and "90.00" in text and "10%" in text
