"""The purchase-request email: a real SMTP server, retried after a refusal, sent once."""
import pytest

from app.jobs.stock import email_purchase_request, enqueue_new_purchase_requests
from app.models.stock import PurchaseRequest
from app.services.communication.failures import TemporaryFailure
from app.services.stock import sales
from tests.factories.stock import make_product, make_supplier


@pytest.fixture
def sync_jobs(app):
    saved = app.config.get("RQ_ASYNC")
    app.config["RQ_ASYNC"] = False
    yield
    app.config["RQ_ASYNC"] = saved


def _low_sale(db, email="orders@drinks.example"):
    supplier = make_supplier(name="Drinks Ltd", contact_person="Dora", email=email)
    water = make_product(stock=3, min_stock=2, reorder_quantity=24, name="Water 0.5 l",
                         supplier_id=supplier.id)
    sales.sell([{"product_id": water.id}], payments=[{"method": "cash", "amount": "2.50"}])
    db.session.commit()
    return water


def test_request_emailed_once_after_a_refusal(app, db, smtp_server):
    _low_sale(db)
    request_id = db.session.query(PurchaseRequest).one().id
    smtp_server.refuse_first = 1
    with pytest.raises(TemporaryFailure):
        email_purchase_request(request_id)
    assert db.session.get(PurchaseRequest, request_id).status == "open"
    assert email_purchase_request(request_id) == 1
    assert email_purchase_request(request_id) == 0  # a second run sends nothing
    assert db.session.get(PurchaseRequest, request_id).status == "sent"
    assert len(smtp_server.deliveries) == 1
    mail = smtp_server.deliveries[0]
    assert mail["to"] == "orders@drinks.example"
    assert "Water 0.5 l" in mail["subject"] and "24 pcs" in mail["body"]
    assert mail["message_id"].startswith(f"<purchase-request-{request_id}@")


def test_enqueued_after_the_sale_commits(app, db, smtp_server, sync_jobs):
    _low_sale(db)
    jobs = enqueue_new_purchase_requests()
    assert len(jobs) == 1 and enqueue_new_purchase_requests() == []
    assert [d["to"] for d in smtp_server.deliveries] == ["orders@drinks.example"]
    db.session.expire_all()
    assert db.session.query(PurchaseRequest).one().status == "sent"
