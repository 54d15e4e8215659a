"""The cash desk: one open shift per cashier, totals by method from the payments its cashier
took during it, closing once, and the daily cash report equal to the sum of the payments."""
import threading
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.models.cash import CashShift
from app.models.passes import Payment
from app.security import FRONT_DESK
from app.services.money import cash_desk
from app.services.money.payments import take_payment
from app.extensions import db as database
from app.services.platform import Conflict, DomainError
from tests.factories.clients import make_client


@pytest.fixture
def cashier(make_user):
    return make_user(FRONT_DESK)


def _pay(client_id, amount, method, user_id, at):
    """A payment taken, or (negative) money returned as a refund records it."""
    if Decimal(amount) > 0:
        take_payment(client_id, Decimal(amount), method=method, purpose="sale",
                     taken_by_id=user_id, paid_at=at)
    else:
        database.session.add(Payment(client_id=client_id, amount=Decimal(amount), method=method,
                               purpose="sale", taken_by_fk=user_id, paid_at=at, reason="refund"))
        database.session.flush()


def test_shift_totals_expected_cash_and_closing(db, cashier, make_user):
    other = make_user(FRONT_DESK)
    client = make_client()
    opened = datetime.now() - timedelta(hours=3)
    shift = cash_desk.open_shift(cashier.id, "100.00", now=opened)
    db.session.commit()
    _pay(client.id, "50.00", "cash", cashier.id, opened + timedelta(minutes=5))
    _pay(client.id, "30.00", "card", cashier.id, opened + timedelta(minutes=10))
    _pay(client.id, "-20.00", "cash", cashier.id, opened + timedelta(minutes=20))  # a refund
    _pay(client.id, "999.00", "cash", other.id, opened + timedelta(minutes=30))  # not theirs
    _pay(client.id, "7.00", "cash", cashier.id, opened - timedelta(minutes=1))  # before it
    db.session.commit()
    totals = cash_desk.shift_totals([shift.id])[shift.id]
    assert totals["cash"] == {"taken": Decimal("50.00"), "returned": Decimal("20.00"), "count": 2}
    assert totals["card"]["taken"] == Decimal("30.00")
    assert cash_desk.expected_cash(shift) == Decimal("130.00")

    closed = cash_desk.close_shift(shift.id, "127.50", cashier.id)
    db.session.commit()
    assert (closed.expected_cash, closed.counted_cash, closed.difference) == (
        Decimal("130.00"), Decimal("127.50"), Decimal("-2.50"))
    with pytest.raises(Conflict):
        cash_desk.close_shift(shift.id, "130.00", cashier.id)
    # a payment after the close is no longer the shift's
    _pay(client.id, "5.00", "cash", cashier.id, datetime.now() + timedelta(minutes=1))
    db.session.commit()
    assert cash_desk.shift_totals([shift.id])[shift.id]["cash"]["count"] == 2


def test_one_open_shift_per_cashier(db, cashier):
    cash_desk.open_shift(cashier.id, "10")
    db.session.commit()
    with pytest.raises(Conflict):
        cash_desk.open_shift(cashier.id, "10")
    with pytest.raises(DomainError):
        cash_desk.open_shift(cashier.id, "-5")


def test_two_clicks_at_once_open_one_shift(app, db, cashier):
    cashier_id, barrier, outcomes = cashier.id, threading.Barrier(2), []

    def click():
        with app.app_context():
            barrier.wait()
            try:
                cash_desk.open_shift(cashier_id, "10")
                db.session.commit()
                outcomes.append("opened")
            except Conflict:
                db.session.rollback()
                outcomes.append("refused")
            except Exception as exc:  # noqa: BLE001 — SQLite's lock wait may surface like this
                db.session.rollback()
                outcomes.append(type(exc).__name__)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=click) for _ in range(2)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert outcomes.count("opened") == 1, outcomes
    assert db.session.scalar(select(func.count()).select_from(CashShift)) == 1


def test_daily_report_equals_the_payments_of_the_day(db, cashier, make_user):
    second = make_user(FRONT_DESK)
    client = make_client()
    today = date.today()
    start = datetime.combine(today, datetime.min.time()) + timedelta(hours=8)
    for user, float_, paid in ((cashier, "50", [("20", "cash"), ("15", "card")]),
                               (second, "0", [("40", "cash"), ("-10", "cash")])):
        shift = cash_desk.open_shift(user.id, float_, now=start)
        for i, (amount, method) in enumerate(paid):
            _pay(client.id, amount, method, user.id, start + timedelta(minutes=i + 1))
        db.session.commit()
        cash_desk.close_shift(shift.id, "60", user.id, now=start + timedelta(hours=4))
        db.session.commit()
    report = cash_desk.daily_report(today)
    assert len(report["shifts"]) == 2
    paid_today = db.session.execute(
        select(Payment.method, func.sum(Payment.amount)).group_by(Payment.method)).all()
    assert {m: report["totals"][m]["net"] for m, _ in paid_today} == dict(paid_today)
    # float 50 + 20 cash → 70 expected, 60 counted: -10; float 0 + 40 − 10 → 30, 60: +30
    assert report["difference"] == Decimal("20.00")
    assert cash_desk.daily_report(today - timedelta(days=1))["shifts"] == []
