"""Test data for passes and money: plain functions taking keyword overrides."""
from datetime import date
from decimal import Decimal
from itertools import count

from app.extensions import db
from app.models.clients import Client
from app.models.passes import Discount, PassPlan, Service
from app.services.clients.records import fill_search_fields

_seq = count(1)


def make_client(**overrides):
    """An adult client (no guardian needed), with contract fields only."""
    n = next(_seq)
    values = dict(first_name=f"Client{n}", last_name="Test", birth_date=date(1990, 5, 17),
                  discount_percent=Decimal("0"))
    values.update(overrides)
    client = Client(**values)
    fill_search_fields(client)  # the CRM's normalized copies, so the desk search finds them
    db.session.add(client)
    db.session.flush()
    return client


def make_service(**overrides):
    n = next(_seq)
    values = dict(name=f"Service {n}", single_visit_price=Decimal("15.00"), active=True)
    values.update(overrides)
    service = Service(**values)
    db.session.add(service)
    db.session.flush()
    return service


def make_plan(services=None, **overrides):
    """A 10-session, 30-day plan for 100.00 covering ``services`` (a new one by default)."""
    n = next(_seq)
    values = dict(name=f"Plan {n}", sessions=10, validity_days=30, time_window="any",
                  price=Decimal("100.00"), freezes_allowed=2, freeze_days_allowed=14,
                  low_balance_threshold=2, active=True)
    values.update(overrides)
    plan = PassPlan(**values)
    plan.services = list(services) if services is not None else [make_service()]
    db.session.add(plan)
    db.session.flush()
    return plan


def make_discount(plan, percent, **overrides):
    values = dict(name=f"Discount {next(_seq)}", plan_id=plan.id, percent=Decimal(percent),
                  active=True)
    values.update(overrides)
    discount = Discount(**values)
    db.session.add(discount)
    db.session.flush()
    return discount


def make_pass(client=None, plan=None, start_date=None, amount_paid=None, **sell_kwargs):
    """A pass sold through the service (so charges and payments exist as in real life)."""
    from app.services.money.passes import sell_pass

    client = client or make_client()
    plan = plan or make_plan()
    return sell_pass(client.id, plan.id, start_date or date.today(),
                     amount_paid=amount_paid, **sell_kwargs)
