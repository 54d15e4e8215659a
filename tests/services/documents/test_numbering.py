"""Numbers: one series per kind and year, consecutive, no gaps or duplicates under concurrency."""
import threading
from datetime import date

from sqlalchemy import select

from app.models.documents import Document
from app.services.documents import issue_document
from app.services.platform import DomainError
from tests.factories.passes import make_client

WORKERS = 20


def test_each_kind_has_its_own_series(db):
    client = make_client()
    year = date.today().year
    first = issue_document("invoice", client_id=client.id)
    second = issue_document("invoice", client_id=client.id)
    card = issue_document("registration_card", client_id=client.id)
    db.session.commit()
    assert first.number == f"INV-{year}-000001"
    assert second.number == f"INV-{year}-000002"
    assert card.number == f"REG-{year}-000001"


def test_a_refused_document_takes_no_number(db):
    client = make_client()
    issue_document("invoice", client_id=client.id)
    db.session.commit()
    try:
        issue_document("invoice", client_id=client.id, language="xx")
    except DomainError:
        db.session.rollback()
    # a document rolled back after taking its number gives the number back
    issue_document("invoice", client_id=client.id)
    db.session.rollback()
    again = issue_document("invoice", client_id=client.id)
    db.session.commit()
    assert again.seq == 2


def test_twenty_concurrent_invoices_get_consecutive_numbers(app, db):
    client = make_client()
    db.session.commit()
    client_id = client.id
    barrier = threading.Barrier(WORKERS)
    outcomes, lock = [], threading.Lock()

    def desk():
        from app.extensions import db as database

        with app.app_context():
            barrier.wait()
            try:
                document = issue_document("invoice", client_id=client_id)
                database.session.commit()
                result = document.seq
            except Exception as exc:  # any error is a failure the assertion shows
                database.session.rollback()
                result = f"error: {type(exc).__name__}: {exc}"
            finally:
                database.session.remove()
            with lock:
                outcomes.append(result)

    threads = [threading.Thread(target=desk) for _ in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes, key=str) == sorted(range(1, WORKERS + 1), key=str)
    db.session.expire_all()
    numbers = db.session.scalars(select(Document.number).where(Document.kind == "invoice")).all()
    year = date.today().year
    assert sorted(numbers) == [f"INV-{year}-{n:06d}" for n in range(1, WORKERS + 1)]
