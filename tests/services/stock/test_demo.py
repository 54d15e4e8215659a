"""The demo shop loads after the clients', has an overdue loan and a purchase request, and
adds nothing the second time."""
from datetime import date

from app.models.stock import Loan, Product, PurchaseRequest, Sale, StockMovement, Supplier
from app.services.stock import clients_with_overdue_items

MODELS = (Supplier, Product, StockMovement, Sale, Loan, PurchaseRequest)


def test_demo_shop_is_idempotent(db, make_user):
    from app.demo import clients as demo_clients, stock as demo_stock

    users = {"storekeeper": make_user("Storekeeper")}
    demo_clients.load(users)
    first = demo_stock.load(users)
    db.session.commit()
    assert first["products"] >= 8 and first["shop sales"] == 3 and first["loans"] == 3
    assert first["purchase requests"] >= 1
    loans = db.session.query(Loan).all()
    assert len(clients_with_overdue_items([loan.client_id for loan in loans], date.today())) == 1
    counts = [db.session.query(m).count() for m in MODELS]
    second = demo_stock.load(users)
    db.session.commit()
    assert second["products"] == 0
    assert [db.session.query(m).count() for m in MODELS] == counts
