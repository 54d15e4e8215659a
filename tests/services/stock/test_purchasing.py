"""Purchase requests: one open request per low product whatever the concurrency; receiving
closes it with a receipt."""
import threading

import pytest
from sqlalchemy import func, select

from app.models.stock import PurchaseRequest, StockMovement
from app.services.platform import Conflict
from app.services.stock import movements, purchasing, sales
from tests.factories.stock import make_product, make_supplier


def test_one_request_when_falling_to_the_minimum_and_receipt_closes_it(app, db):
    supplier = make_supplier()
    water = make_product(stock=6, min_stock=3, reorder_quantity=24, supplier_id=supplier.id)
    sales.sell([{"product_id": water.id, "quantity": 2}], payments=[{"method": "cash", "amount": "5"}])
    assert purchasing.take_new_requests() == []  # 4 left: above the minimum
    sales.sell([{"product_id": water.id}], payments=[{"method": "cash", "amount": "2.50"}])
    new = purchasing.take_new_requests()
    sales.sell([{"product_id": water.id}], payments=[{"method": "cash", "amount": "2.50"}])
    db.session.commit()
    assert len(new) == 1 and purchasing.take_new_requests() == []
    request = db.session.get(PurchaseRequest, new[0])
    assert (request.status, request.quantity, request.supplier_id) == ("open", 24, supplier.id)
    assert [r.id for r in purchasing.open_requests()] == new
    purchasing.receive_request(request.id)
    db.session.commit()
    assert request.status == "received"
    assert movements.stock_levels([water.id]) == {water.id: 26}
    receipt = db.session.scalar(select(StockMovement).where(
        StockMovement.purchase_request_id == request.id))
    assert (receipt.kind, receipt.quantity) == ("receipt", 24)
    with pytest.raises(Conflict):
        purchasing.receive_request(request.id)


def test_concurrent_low_stock_opens_exactly_one_request(app, db):
    water = make_product(stock=30, min_stock=100, supplier_id=make_supplier().id)
    db.session.commit()
    product_id, workers = water.id, 10
    barrier = threading.Barrier(workers)
    errors, lock = [], threading.Lock()

    def desk():
        from app.extensions import db as database

        with app.app_context():
            barrier.wait()
            try:
                sales.sell([{"product_id": product_id}], payments=[{"method": "cash", "amount": "2.50"}])
                database.session.commit()
            except Exception as exc:
                database.session.rollback()
                with lock:
                    errors.append(f"{type(exc).__name__}: {exc}")
            finally:
                database.session.remove()

    threads = [threading.Thread(target=desk) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert db.session.scalar(select(func.count()).select_from(PurchaseRequest)) == 1
    assert movements.stock_levels([product_id]) == {product_id: 30 - workers}
