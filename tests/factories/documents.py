"""Test data for documents: a client with money, visits and a pass; the documents folder."""
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from app.extensions import db
from app.models.passes import Charge, Pass, Payment, SessionWriteOff
from tests.factories.passes import make_client, make_plan


@pytest.fixture(autouse=True)
def documents_folder(app, tmp_path):
    """Each test prints its documents into its own folder."""
    previous = app.config.get("DOCUMENTS_FOLDER")
    app.config["DOCUMENTS_FOLDER"] = str(tmp_path / "documents")
    yield tmp_path / "documents"
    app.config["DOCUMENTS_FOLDER"] = previous


def make_history(client=None, on=None):
    """A client who bought a 100.00 pass (paid 60.00 in cash), made one visit, owes 15.00 for a
    visit without a pass and paid 10.00 by card: balance 45.00. Everything happens on ``on``
    (today by default); returns (client, pass)."""
    on = on or date.today()
    client = client or make_client()
    plan = make_plan()
    pass_ = Pass(client_id=client.id, plan_id=plan.id, start_date=on,
                 end_date=on + timedelta(days=30), sessions_total=10, sessions_used=1,
                 list_price=Decimal("100.00"), price_paid=Decimal("100.00"), status="active")
    db.session.add(pass_)
    db.session.flush()
    service = plan.services[0]
    at = datetime.combine(on, datetime.min.time()).replace(hour=9)
    db.session.add_all([
        Charge(client_id=client.id, amount=Decimal("100.00"), kind="pass", pass_id=pass_.id,
               charged_on=on),
        Payment(client_id=client.id, amount=Decimal("60.00"), method="cash", purpose="pass",
                pass_id=pass_.id, paid_at=at),
        SessionWriteOff(client_id=client.id, service_id=service.id, pass_id=pass_.id,
                        at=at.replace(hour=10), value=Decimal("10.00")),
        Charge(client_id=client.id, amount=Decimal("15.00"), kind="visit", charged_on=on,
               description="Drop-in"),
        Payment(client_id=client.id, amount=Decimal("10.00"), method="card", purpose="visit",
                paid_at=at.replace(hour=11)),
    ])
    db.session.flush()
    return client, pass_


def make_payment(client, amount="25.00", method="cash"):
    payment = Payment(client_id=client.id, amount=Decimal(amount), method=method,
                      purpose="pass", paid_at=datetime.now())
    db.session.add(payment)
    db.session.flush()
    return payment
