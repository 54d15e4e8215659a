"""Desks acting on one pass (or one certificate) at the same moment: exactly one wins where
only one may, the others get a clear refusal, never an error (SQLite and PostgreSQL)."""
import threading
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from app.models.passes import GiftCertificate, Pass, PassExtension, PassFreeze, Payment
from app.services.money import certificate_sales, certificates
from app.services.money import passes as svc
from app.services.money.payments import client_balance, take_payment
from app.services.platform import DomainError
from tests.factories.passes import make_client, make_pass, make_plan


def race(app, workers, action):
    """Run ``action()`` in ``workers`` threads released together, each in its own session and
    transaction; returns their outcomes: "ok", the refusal's message, or "error: …"."""
    barrier = threading.Barrier(workers)
    outcomes, lock = [], threading.Lock()

    def desk():
        from app.extensions import db as database

        with app.app_context():
            barrier.wait()
            try:
                action()
                database.session.commit()
                result = "ok"
            except DomainError as exc:
                database.session.rollback()
                result = str(exc.message)
            except Exception as exc:  # anything else is a failure the assertions will show
                database.session.rollback()
                result = f"error: {type(exc).__name__}: {exc}"
            finally:
                database.session.remove()
            with lock:
                outcomes.append(result)

    threads = [threading.Thread(target=desk) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [o for o in outcomes if o.startswith("error")] == []
    return outcomes


def _count(db, query):
    db.session.expire_all()
    return db.session.scalar(query)


def test_twenty_refunds_of_one_pass_refund_once(app, db):
    pass_ = make_pass(amount_paid=Decimal("100"))
    db.session.commit()
    pass_id, client_id = pass_.id, pass_.client_id
    outcomes = race(app, 20, lambda: svc.refund_pass(pass_id, "moved away"))
    assert outcomes.count("ok") == 1
    assert set(outcomes) - {"ok"} == {"This pass has already been refunded."}
    assert _count(db, select(func.count()).select_from(Payment).where(Payment.amount < 0)) == 1
    assert db.session.get(Pass, pass_id).status == "refunded"
    assert client_balance(client_id) == Decimal("0.00")


def test_concurrent_freezes_respect_the_plans_limits(app, db):
    pass_ = make_pass(plan=make_plan(freezes_allowed=1, freeze_days_allowed=10))
    db.session.commit()
    pass_id = pass_.id
    outcomes = race(app, 10, lambda: svc.freeze_pass(pass_id, date.today(), 5))
    assert outcomes.count("ok") == 1
    assert _count(db, select(func.count()).select_from(PassFreeze)) == 1
    stored = db.session.get(Pass, pass_id)
    assert (stored.end_date - stored.start_date).days == 30 - 1 + 5


def test_concurrent_extensions_all_count(app, db):
    pass_ = make_pass()
    db.session.commit()
    pass_id, end = pass_.id, pass_.end_date
    outcomes = race(app, 8, lambda: svc.extend_pass(pass_id, 2, "heating broken"))
    assert outcomes.count("ok") == 8
    assert _count(db, select(func.count()).select_from(PassExtension)) == 8
    assert (db.session.get(Pass, pass_id).end_date - end).days == 16  # no extension lost


def test_an_extend_racing_a_refund_never_extends_a_refunded_pass(app, db):
    pass_ = make_pass(amount_paid=Decimal("100"))
    db.session.commit()
    pass_id = pass_.id
    calls = iter([lambda: svc.refund_pass(pass_id, "moved")] +
                 [lambda: svc.extend_pass(pass_id, 3, "sorry")] * 5)
    lock = threading.Lock()

    def next_call():
        with lock:
            call = next(calls)
        call()

    race(app, 6, next_call)
    db.session.expire_all()
    stored = db.session.get(Pass, pass_id)
    assert stored.status == "refunded"
    late = db.session.scalars(select(PassExtension).where(
        PassExtension.created_on > stored.changed_on)).all()
    assert late == []


def test_two_redemptions_of_the_last_value_one_wins(app, db):
    certificate = certificate_sales.issue_certificate(
        Decimal("30"), buyer_client_id=make_client().id, method="cash", code="LAST")
    friend = make_client()
    db.session.commit()
    friend_id = friend.id
    outcomes = race(app, 2, lambda: take_payment(friend_id, Decimal("30"), method="certificate",
                                                 purpose="sale", certificate_code="LAST"))
    assert outcomes.count("ok") == 1
    assert "not enough" in [o for o in outcomes if o != "ok"][0]
    assert db.session.get(GiftCertificate, certificate.id).balance == Decimal("0.00")
    assert _count(db, select(func.count()).select_from(Payment).where(
        Payment.method == "certificate")) == 1


def test_two_payments_against_one_debt_both_count_once_each(app, db):
    pass_ = make_pass(amount_paid=Decimal("0"))
    db.session.commit()
    client_id, pass_id = pass_.client_id, pass_.id
    outcomes = race(app, 2, lambda: take_payment(client_id, Decimal("50"), pass_id=pass_id))
    assert outcomes == ["ok", "ok"]
    assert client_balance(client_id) == Decimal("0.00")


def test_a_refund_of_a_pass_paid_by_certificate_goes_back_to_the_certificate(db):
    certificate = certificate_sales.issue_certificate(
        Decimal("60"), buyer_client_id=make_client().id, method="card", code="BACK")
    pass_ = make_pass(plan=make_plan(price=Decimal("100")), amount_paid=Decimal("60"),
                      method="certificate", certificate_code="BACK")
    take_payment(pass_.client_id, Decimal("40"), pass_id=pass_.id, method="cash")
    assert certificates.certificate_balance("BACK") == Decimal("0.00")
    cash = svc.refund_pass(pass_.id, "moved")  # nothing used: 100 back, 60 of it to the card
    assert certificates.certificate_balance("BACK") == Decimal("60.00")
    assert cash.amount == Decimal("-40.00") and cash.method == "cash"
    returned = db.session.scalars(select(Payment).where(
        Payment.method == "certificate", Payment.amount < 0)).one()
    assert returned.amount == Decimal("-60.00") and returned.certificate_id == certificate.id
    assert client_balance(pass_.client_id) == Decimal("0.00")
