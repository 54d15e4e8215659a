"""Stock levels: the sum of movements, never negative (also under 20 simultaneous sales),
write-offs with a reason, stock-take corrections, the product list in one query."""
import threading
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.models.stock import Product, Sale, StockMovement
from app.services.platform import DomainError
from app.services.stock import movements, products, sales
from tests.factories.stock import make_product


def test_level_is_sum_of_movements_and_never_negative(app, db):
    product = make_product(stock=10, name="Water")
    movements.move(product.id, "sale", 4)
    movements.write_off(product.id, 1, "Broken bottle")
    movements.move(product.id, "correction", -2)
    db.session.commit()
    assert movements.stock_levels([product.id]) == {product.id: 3}
    assert db.session.get(Product, product.id).on_hand == 3
    with pytest.raises(DomainError) as refused:
        movements.move(product.id, "sale", 4)
    assert "Not enough Water in stock: 3 left, 4 wanted." == str(refused.value.message)
    assert refused.value.field == "quantity"
    db.session.rollback()
    assert movements.stock_levels([product.id]) == {product.id: 3}


def test_write_off_needs_a_reason_and_quantities_are_positive(app, db):
    product = make_product(stock=2)
    with pytest.raises(DomainError) as refused:
        movements.write_off(product.id, 1, "  ")
    assert refused.value.field == "reason"
    with pytest.raises(DomainError):
        movements.move(product.id, "receipt", 0)
    with pytest.raises(DomainError):
        movements.move(product.id, "teleport", 1)


def test_stock_take_turns_counts_into_corrections(app, db):
    a, b, c = make_product(stock=5), make_product(stock=3), make_product(stock=0)
    made = movements.stock_take({a.id: 4, b.id: 3, c.id: 2})
    db.session.commit()
    assert sorted((m.product_id, m.quantity, m.kind) for m in made) == [
        (a.id, -1, "correction"), (c.id, 2, "correction")]
    assert movements.stock_levels([a.id, b.id, c.id]) == {a.id: 4, b.id: 3, c.id: 2}
    with pytest.raises(DomainError):
        movements.stock_take({a.id: -1})


def test_product_list_levels_in_one_query_and_low_stock(app, db, count_queries):
    for n in range(3):
        make_product(stock=n + 1, min_stock=2, name=f"Item {n}")
    db.session.commit()
    with count_queries() as n_small:
        rows = products.product_rows()
    assert [(p.name, level) for p, _s, level in rows] == [("Item 0", 1), ("Item 1", 2),
                                                         ("Item 2", 3)]
    for n in range(3, 15):
        make_product(stock=n, name=f"Item {n}")
    db.session.commit()
    with count_queries() as n_big:
        assert len(products.product_rows()) == 15
    assert n_small() == n_big() == 1
    assert [p.name for p, _s, _l in products.low_stock()] == ["Item 0", "Item 1"]
    rows, total = products.stock_valuation()
    assert total == Decimal(1 + 2 + 3 + sum(range(3, 15)))  # cost 1.00 each


def test_twenty_simultaneous_sales_of_the_last_five_units(app, db):
    product = make_product(stock=5)
    db.session.commit()
    product_id = product.id
    workers = 20
    barrier = threading.Barrier(workers)
    outcomes, lock = [], threading.Lock()

    def desk():
        from app.extensions import db as database

        with app.app_context():
            barrier.wait()
            try:
                sales.sell([{"product_id": product_id, "quantity": 1}],
                           payments=[{"method": "cash", "amount": "2.50"}])
                database.session.commit()
                result = "ok"
            except DomainError:
                database.session.rollback()
                result = "refused"
            except Exception as exc:
                database.session.rollback()
                result = f"error: {type(exc).__name__}: {exc}"
            finally:
                database.session.remove()
            with lock:
                outcomes.append(result)

    threads = [threading.Thread(target=desk) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [o for o in outcomes if o.startswith("error")] == []
    assert outcomes.count("ok") == 5 and outcomes.count("refused") == 15
    db.session.expire_all()
    assert db.session.get(Product, product_id).on_hand == 0
    assert movements.stock_levels([product_id]) == {product_id: 0}
    assert db.session.scalar(select(func.count()).select_from(Sale)) == 5
    assert db.session.scalar(select(func.count()).select_from(StockMovement)
                             .where(StockMovement.kind == "sale")) == 5
