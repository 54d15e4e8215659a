"""Property-based tests of the money rules, over random sequences of sales, payments,
write-offs, owed visits, cancellations and refunds."""
from datetime import date, datetime
from decimal import Decimal

from hypothesis import HealthCheck, given, settings, strategies as st
from sqlalchemy import func, select

from app.models.passes import Charge, Pass, Payment
from app.services.money import passes as svc
from app.services.money.payments import client_balances, take_payment
from tests.factories.passes import make_client, make_plan, make_service

CENTS = st.integers(min_value=1, max_value=50_000).map(lambda c: Decimal(c) / 100)

OPERATIONS = st.lists(
    st.one_of(
        st.tuples(st.just("sell"), st.integers(0, 2), st.integers(0, 100)),  # plan, % paid now
        st.tuples(st.just("pay"), st.integers(0, 9), CENTS),
        st.tuples(st.just("visit"), st.integers(0, 1)),  # service index
        st.tuples(st.just("owed"), st.integers(0, 1)),
        st.tuples(st.just("cancel"), st.integers(0, 9)),
        st.tuples(st.just("refund"), st.integers(0, 9)),
    ),
    min_size=1, max_size=25)

AT = datetime.combine(date.today(), datetime.min.time()).replace(hour=10)


def _setup(price_cents):
    gym = make_service(single_visit_price=Decimal("9.90"))
    pool = make_service(single_visit_price=Decimal("12.35"))
    plans = [
        make_plan(services=[gym], sessions=3, price=Decimal(price_cents) / 100),
        make_plan(services=[gym, pool], sessions=7, price=Decimal("133.33")),
        make_plan(services=[pool], sessions=None, validity_days=30, price=Decimal("77.77")),
    ]
    return [gym, pool], plans


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(price_cents=st.integers(min_value=100, max_value=100_000), operations=OPERATIONS)
def test_money_rules_hold_for_any_sequence(db, price_cents, operations):
    try:
        _run(db, price_cents, operations)
    finally:
        db.session.rollback()  # nothing was committed: each example leaves no trace


def _run(db, price_cents, operations):
    services, plans = _setup(price_cents)
    client = make_client(discount_percent=Decimal("7.5"))
    expected = Decimal("0")  # charges − payments, tracked by hand
    paid = {}  # pass id -> money paid for it, tracked by hand
    passes, write_offs = [], []
    for op in operations:
        kind = op[0]
        if kind == "sell":
            plan = plans[op[1]]
            price = svc.price_for(plan, client)[1]
            now = (price * op[2] / 100).quantize(Decimal("0.01"))
            pass_ = svc.sell_pass(client.id, plan.id, date.today(), amount_paid=now)
            passes.append(pass_)
            paid[pass_.id] = now
            expected += price - now
        elif kind == "pay" and passes:
            pass_ = passes[op[1] % len(passes)]
            take_payment(client.id, op[2], pass_id=pass_.id)
            paid[pass_.id] += op[2]
            expected -= op[2]
        elif kind == "visit":
            try:
                write_offs.append(svc.write_off_session(client.id, services[op[1]].id, AT))
            except svc.NoValidPass:
                pass
        elif kind == "owed":
            write_off = svc.record_owed_visit(client.id, services[op[1]].id, AT)
            write_offs.append(write_off)
            expected += write_off.charge.amount
        elif kind == "cancel" and write_offs:
            write_off = write_offs[op[1] % len(write_offs)]
            pass_ = db.session.get(Pass, write_off.pass_id) if write_off.pass_id else None
            if pass_ is not None and pass_.status == "refunded":
                continue  # a refunded pass's sessions are settled
            if write_off.charge is not None and not write_off.cancelled:
                expected -= write_off.charge.amount
            svc.cancel_write_off(write_off)
        elif kind == "refund" and passes:
            pass_ = passes[op[1] % len(passes)]
            if pass_.status == "refunded":
                continue
            db.session.refresh(pass_)
            unused = svc.unused_value(pass_)
            assert Decimal(0) <= unused <= pass_.price_paid
            payment = svc.refund_pass(pass_.id, "property test")
            back = -payment.amount if payment else Decimal(0)
            assert Decimal(0) <= back <= max(paid[pass_.id], Decimal(0))
            paid[pass_.id] -= back
            expected += -unused + back
        _check_invariants(db, client.id, expected, passes, paid)


def _check_invariants(db, client_id, expected, passes, paid):
    balance = client_balances([client_id])[client_id]
    assert balance == expected
    charges = db.session.scalar(select(func.coalesce(func.sum(Charge.amount), 0)).where(
        Charge.client_id == client_id, Charge.cancelled.is_(False)))
    payments = db.session.scalar(select(func.coalesce(func.sum(Payment.amount), 0)).where(
        Payment.client_id == client_id))
    assert balance == (Decimal(charges) - Decimal(payments)).quantize(Decimal("0.01"))
    for pass_ in passes:
        db.session.refresh(pass_)
        assert pass_.sessions_used >= 0
        if pass_.sessions_total is not None:
            assert pass_.sessions_used <= pass_.sessions_total
        returned = -sum((p.amount for p in db.session.scalars(
            select(Payment).where(Payment.pass_id == pass_.id, Payment.amount < 0))),
            Decimal(0))
        received = sum((p.amount for p in db.session.scalars(
            select(Payment).where(Payment.pass_id == pass_.id, Payment.amount > 0))),
            Decimal(0))
        assert returned <= received
        assert paid[pass_.id] == received - returned
