"""Issuing and cancelling: subjects by kind, periods, never deleted."""
from datetime import date

import pytest

from app.models.documents import Document
from app.services.documents.issuing import cancel_document, issue_document
from app.services.platform import Conflict, DomainError, NotFound
from tests.factories.documents import make_payment
from tests.factories.passes import make_client


def test_a_kind_refuses_a_subject_it_is_not_about(db):
    client = make_client()
    with pytest.raises(DomainError) as refused:
        issue_document("receipt", client_id=client.id)
    assert refused.value.field == "client"
    with pytest.raises(DomainError) as refused:
        issue_document("statement")
    assert refused.value.field == "client"
    with pytest.raises(NotFound):
        issue_document("statement", client_id=client.id + 100)
    with pytest.raises(DomainError) as refused:
        issue_document("nonsense", client_id=client.id)
    assert refused.value.field == "kind"


def test_period_defaults_to_this_month_and_must_be_ordered(db):
    client = make_client()
    document = issue_document("statement", client_id=client.id)
    assert document.period_start == date.today().replace(day=1)
    assert document.period_end == date.today()
    with pytest.raises(DomainError) as refused:
        issue_document("statement", client_id=client.id, period_start=date(2026, 3, 2),
                       period_end=date(2026, 3, 1))
    assert refused.value.field == "period_end"
    card = issue_document("registration_card", client_id=client.id)
    assert card.period_start is None


def test_a_receipt_belongs_to_the_payment_and_its_client(db):
    client = make_client()
    payment = make_payment(client)
    receipt = issue_document("receipt", payment_id=payment.id)
    assert receipt.payment_id == payment.id and receipt.client_id == client.id


def test_cancelling_keeps_the_number_and_happens_once(db):
    client = make_client()
    document = issue_document("invoice", client_id=client.id)
    db.session.commit()
    with pytest.raises(DomainError):
        cancel_document(document.id, " ")
    cancel_document(document.id, "Wrong period")
    db.session.commit()
    kept = db.session.get(Document, document.id)
    assert kept.status == "cancelled" and kept.number.startswith("INV-")
    with pytest.raises(Conflict):
        cancel_document(document.id, "again")
