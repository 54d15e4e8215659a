"""Lending: out of stock until returned, overdue items in one query (timetable flags), the
"item due back" reminder, the name/card lookup."""
from datetime import date, timedelta

import pytest

from app.jobs.communication import enqueue_delivery
from app.services.communication import reminders
from app.services.platform import Conflict, DomainError
from app.services.stock import clients_with_overdue_items, lending, movements
from app.services.timetable.flags import member_flags
from tests.factories.clients import make_client
from tests.factories.communication import make_template
from tests.factories.stock import make_product

TODAY = date(2026, 3, 10)


@pytest.fixture
def sync_jobs(app):
    saved = app.config.get("RQ_ASYNC")
    app.config["RQ_ASYNC"] = False
    yield
    app.config["RQ_ASYNC"] = saved


def test_lend_and_return(app, db):
    book = make_product(stock=1, name="Grammar book")
    ann = make_client(first_name="Ann")
    loan = lending.lend(book.id, ann.id, TODAY + timedelta(days=14), on=TODAY)
    db.session.commit()
    assert movements.stock_levels([book.id]) == {book.id: 0}
    with pytest.raises(DomainError):  # the only copy is out
        lending.lend(book.id, ann.id, TODAY + timedelta(days=14), on=TODAY)
    db.session.rollback()
    with pytest.raises(DomainError) as refused:
        lending.lend(book.id, ann.id, TODAY - timedelta(days=1), on=TODAY)
    assert refused.value.field == "due_date"
    db.session.rollback()
    lending.return_loan(loan.id, on=TODAY)
    db.session.commit()
    assert movements.stock_levels([book.id]) == {book.id: 1}
    with pytest.raises(Conflict):
        lending.return_loan(loan.id)


def test_overdue_items_in_one_query_and_in_the_timetable_flags(app, db, count_queries):
    book = make_product(stock=5)
    late, on_time, returned, other = (make_client() for _ in range(4))
    lending.lend(book.id, late.id, TODAY - timedelta(days=1), on=TODAY - timedelta(days=10))
    lending.lend(book.id, on_time.id, TODAY, on=TODAY - timedelta(days=10))
    gone = lending.lend(book.id, returned.id, TODAY - timedelta(days=3), on=TODAY - timedelta(days=10))
    lending.return_loan(gone.id)
    db.session.commit()
    ids = [late.id, on_time.id, returned.id, other.id]
    with count_queries() as n:
        assert clients_with_overdue_items(ids, TODAY) == {late.id}
    assert n() == 1
    assert "overdue_item" in member_flags(ids, TODAY).get(late.id, set())
    assert "overdue_item" not in member_flags(ids, TODAY).get(on_time.id, set())


def test_item_due_back_reminder_finds_overdue_loans_once(app, db, smtp_server, sync_jobs):
    book = make_product(stock=2, name="Grammar book")
    ann = make_client(first_name="Ann", email="ann@example.org", consent_email=True)
    bob = make_client(first_name="Bob", email="bob@example.org", consent_email=True)
    lending.lend(book.id, ann.id, TODAY - timedelta(days=2), on=TODAY - timedelta(days=20))
    lending.lend(book.id, bob.id, TODAY + timedelta(days=2), on=TODAY - timedelta(days=20))
    db.session.commit()
    make_template(name="item_due_back", subject="Book", body="Please bring back {item_name}.")
    kinds = ["item_due_back"]
    assert reminders.send_due_reminders(enqueue_delivery, TODAY, kinds=kinds) == {"item_due_back": 1}
    assert reminders.send_due_reminders(enqueue_delivery, TODAY, kinds=kinds) == {"item_due_back": 0}
    assert [(d["to"], d["body"].strip()) for d in smtp_server.deliveries] == [
        ("ann@example.org", "Please bring back Grammar book.")]


def test_lookup_shows_name_and_card_only(app, db):
    make_client(first_name="Maria", last_name="Lopez", card_number="C-1001", phone="+3312345")
    make_client(first_name="Mark", last_name="Otto", card_number="C-1002")
    found = lending.lending_lookup("maria lop")
    assert found == [{"id": found[0]["id"], "name": "Maria Lopez", "card_number": "C-1001"}]
    assert [c["name"] for c in lending.lending_lookup("C-1002")] == ["Mark Otto"]
    assert lending.lending_lookup("m") == []
