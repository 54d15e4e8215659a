"""Stock reports in the report registry, checked against plain SQL."""
from datetime import date
from decimal import Decimal

from sqlalchemy import text

from app.services.reports import get_report, iter_rows, parse_params
from app.services.stock import movements, sales
from tests.factories.stock import make_product


def rows_of(name, **params):
    report = get_report(name)
    return list(iter_rows(report, parse_params(report, params)))


def test_valuation_is_quantity_times_cost(app, db):
    water = make_product(stock=10, name="Water", cost=Decimal("0.40"))
    make_product(stock=3, name="Kit", cost=Decimal("12.00"))
    make_product(name="Retired", active=False)
    movements.write_off(water.id, 2, "Leaking")
    db.session.commit()
    rows = rows_of("stock_valuation")
    assert [(r["product"], r["quantity"], r["value"]) for r in rows] == [
        ("Kit", 3, Decimal("36.00")), ("Water", 8, Decimal("3.20"))]
    (expected,) = db.session.execute(text(
        "SELECT sum(m.quantity * p.cost) FROM stock_movement m JOIN product p "
        "ON p.id = m.product_id WHERE p.active = :yes"), {"yes": True}).one()
    assert sum(r["value"] for r in rows) == Decimal(str(expected)).quantize(Decimal("0.01"))


def test_sales_by_product_leaves_returns_out(app, db):
    water = make_product(stock=10, name="Water", sale_price=Decimal("2.00"), cost=Decimal("0.5"))
    sales.sell([{"product_id": water.id, "quantity": 3}],
               payments=[{"method": "cash", "amount": "6"}])
    back = sales.sell([{"product_id": water.id}], payments=[{"method": "card", "amount": "2"}])
    sales.return_sale(back.id, "Spilled")
    db.session.commit()
    today = date.today().isoformat()
    rows = rows_of("sales_by_product", date_from=today, date_to=today)
    assert [(r["product"], r["quantity"], r["revenue"], r["cost"]) for r in rows] == [
        ("Water", 3, Decimal("6.00"), Decimal("1.50"))]
