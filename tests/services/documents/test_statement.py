"""The client statement: opening balance, every movement, closing balance = the client's balance."""
from datetime import date, timedelta
from decimal import Decimal

from app.services.documents.statement import client_statement
from app.services.money import client_balances
from tests.factories.documents import make_history


def test_closing_balance_equals_the_clients_balance(db):
    earlier = date.today() - timedelta(days=40)
    client, _pass = make_history(on=earlier)  # 45.00 owed before the period
    make_history(client)  # another 45.00 in the period
    start = date.today() - timedelta(days=10)
    statement = client_statement(client.id, start, date.today())
    assert statement["opening"] == Decimal("45.00")
    assert statement["charged"] == Decimal("115.00")
    assert statement["paid"] == Decimal("70.00")
    assert statement["closing"] == Decimal("90.00")
    assert statement["closing"] == client_balances([client.id])[client.id]
    kinds = [entry["kind"] for entry in statement["entries"]]
    assert sorted(kinds) == ["charge", "charge", "pass", "payment", "payment", "visit"]
    # the running balance after the last money entry is the closing balance
    money_entries = [e for e in statement["entries"] if "balance" in e]
    assert money_entries[-1]["balance"] == statement["closing"]


def test_a_period_before_anything_happened_is_empty(db):
    client, _pass = make_history()
    past = date.today() - timedelta(days=100)
    statement = client_statement(client.id, past, past + timedelta(days=5))
    assert statement["entries"] == []
    assert statement["opening"] == statement["closing"] == Decimal("0.00")


def test_the_statement_runs_a_fixed_number_of_queries(db, count_queries):
    client, _pass = make_history()
    with count_queries() as few:
        client_statement(client.id, date.today(), date.today())
    for _ in range(3):
        make_history(client)
    with count_queries() as many:
        client_statement(client.id, date.today(), date.today())
    assert many() == few()
