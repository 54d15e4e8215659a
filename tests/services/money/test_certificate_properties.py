"""Property-based test of certificate money: over any sequence of pass sales, payments,
refunds, certificate sales and redemptions, every client's balance is charges minus payments,
the certificate value issued equals the value paid for, and no certificate goes below zero or
above what it was worth."""
from datetime import date
from decimal import Decimal

from hypothesis import HealthCheck, given, settings, strategies as st
from sqlalchemy import func, select

from app.extensions import db as database
from app.models.passes import Charge, GiftCertificate, GiftCertificateRedemption, Payment
from app.services.money import certificate_sales, certificates
from app.services.money import passes as svc
from app.services.money.payments import add_charge, client_balances, take_payment
from app.services.platform import DomainError
from tests.factories.passes import make_client, make_plan

CENTS = st.integers(min_value=1, max_value=20_000).map(lambda c: Decimal(c) / 100)
CLIENT = st.integers(0, 2)

OPERATIONS = st.lists(
    st.one_of(
        st.tuples(st.just("sell_certificate"), CLIENT, CENTS,
                  st.sampled_from(certificate_sales.SALE_METHODS)),
        st.tuples(st.just("sell_pass"), CLIENT, st.integers(0, 1), st.integers(0, 100)),
        st.tuples(st.just("pay_with_certificate"), CLIENT, st.integers(0, 9), CENTS),
        st.tuples(st.just("pass_by_certificate"), CLIENT, st.integers(0, 9)),
        st.tuples(st.just("pay"), CLIENT, CENTS),
        st.tuples(st.just("refund"), st.integers(0, 9)),
    ),
    min_size=1, max_size=20)


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(operations=OPERATIONS)
def test_certificate_money_adds_up_for_any_sequence(db, operations):
    try:
        _run(db, operations)
    finally:
        db.session.rollback()


def _try(action):
    """Run a step the rules may refuse (overdraft, nothing left): refused steps write nothing."""
    savepoint = database.session.begin_nested()
    try:
        result = action()
    except DomainError:
        savepoint.rollback()
        return None
    savepoint.commit()
    return result


def _run(db, operations):
    clients = [make_client() for _ in range(3)]
    plans = [make_plan(sessions=5, price=Decimal("80.00")),
             make_plan(sessions=None, validity_days=30, price=Decimal("45.50"))]
    codes, passes = [], []
    for op in operations:
        kind = op[0]
        if kind == "sell_certificate":
            certificate = certificate_sales.issue_certificate(
                op[2], buyer_client_id=clients[op[1]].id, method=op[3])
            codes.append(certificate.code)
        elif kind == "sell_pass":
            plan = plans[op[2]]
            price = svc.price_for(plan, clients[op[1]])[1]
            now = (price * op[3] / 100).quantize(Decimal("0.01"))
            passes.append(svc.sell_pass(clients[op[1]].id, plan.id, date.today(),
                                        amount_paid=now))
        elif kind == "pay_with_certificate" and codes:
            client_id = clients[op[1]].id
            code = codes[op[2] % len(codes)]
            before = certificates.certificate_balance(code)
            add_charge(client_id, op[3], "sale")
            paid = _try(lambda: take_payment(client_id, op[3], method="certificate",
                                             purpose="sale", certificate_code=code))
            assert (paid is not None) == (op[3] <= before)  # limited to what is left
        elif kind == "pass_by_certificate" and codes:
            code = codes[op[2] % len(codes)]
            left = certificates.certificate_balance(code)
            if left > 0:
                passes.append(svc.sell_pass(clients[op[1]].id, plans[0].id, date.today(),
                                            amount_paid=min(left, Decimal("80.00")),
                                            method="certificate", certificate_code=code))
        elif kind == "pay":
            take_payment(clients[op[1]].id, op[2], purpose="deposit")
        elif kind == "refund" and passes:
            pass_ = passes[op[1] % len(passes)]
            db.session.refresh(pass_)
            if pass_.status != "refunded":
                svc.refund_pass(pass_.id, "property test")
        _check(db, [c.id for c in clients])


def _sum(query):
    return Decimal(database.session.scalar(query) or 0).quantize(Decimal("0.01"))


def _check(db, client_ids):
    balances = client_balances(client_ids)
    for client_id in client_ids:
        charges = _sum(select(func.sum(Charge.amount)).where(
            Charge.client_id == client_id, Charge.cancelled.is_(False)))
        payments = _sum(select(func.sum(Payment.amount)).where(Payment.client_id == client_id))
        assert balances[client_id] == charges - payments
    issued = _sum(select(func.sum(GiftCertificate.initial_amount)))
    paid_for = _sum(select(func.sum(Payment.amount)).where(
        Payment.purpose == "certificate",
        Payment.method.in_(certificate_sales.SALE_METHODS)))
    charged = _sum(select(func.sum(Charge.amount)).where(Charge.kind == "certificate"))
    assert issued == paid_for == charged
    for certificate in db.session.scalars(select(GiftCertificate)):
        db.session.refresh(certificate)
        spent = _sum(select(func.sum(GiftCertificateRedemption.amount)).where(
            GiftCertificateRedemption.certificate_id == certificate.id))
        assert Decimal(0) <= certificate.balance <= certificate.initial_amount
        assert certificate.balance == certificate.initial_amount - spent
        by_certificate = _sum(select(func.sum(Payment.amount)).where(
            Payment.certificate_id == certificate.id, Payment.method == "certificate"))
        assert by_certificate == spent  # every movement of value is a payment and back


def test_the_last_cents_of_a_certificate_can_be_spent(db):
    """Found by the property above: on SQLite 50.00 - 20.37 is 29.629999… in floating point."""
    code = certificate_sales.issue_certificate(Decimal("50.00"), buyer_client_id=make_client().id,
                                               method="cash").code
    client_id = make_client().id
    certificates.redeem_certificate(code, Decimal("20.37"), client_id)
    certificates.redeem_certificate(code, Decimal("29.63"), client_id)
    assert certificates.certificate_balance(code) == Decimal("0.00")
    assert database.session.scalar(select(GiftCertificate.balance)) == Decimal("0.00")
