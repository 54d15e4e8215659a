"""Payments, balances, the debts list, bonus points and gift certificates."""
import threading
from datetime import date, timedelta
from decimal import Decimal

import pytest

from app.models.passes import Charge, GiftCertificate
from app.services.money import bonuses
from app.services.money import certificate_sales, certificates
from app.services.platform.errors import Conflict, DomainError, NotFound
from app.services.money.payments import (add_charge, client_balances, debtor_ids, debts,
                                   take_payment)
from tests.factories.passes import make_client, make_pass, make_plan

TODAY = date.today()


def test_balances_are_grouped_per_client_in_one_query(db, count_queries):
    a, b, c = make_client(), make_client(), make_client()
    add_charge(a.id, Decimal("30.10"), "sale")
    add_charge(a.id, Decimal("0.20"), "sale")
    take_payment(a.id, Decimal("10.05"), purpose="sale")
    take_payment(b.id, Decimal("5"), purpose="deposit")
    with count_queries() as queries:
        balances = client_balances([a.id, b.id, c.id])
    assert queries() == 1
    assert balances == {a.id: Decimal("20.25"), b.id: Decimal("-5.00"), c.id: Decimal("0")}
    assert debtor_ids() == {a.id}


def test_cancelled_charges_do_not_count(db):
    client = make_client()
    charge = add_charge(client.id, Decimal("10"), "visit")
    charge.cancelled = True
    db.session.flush()
    assert client_balances([client.id])[client.id] == 0


def test_payment_validation(db):
    client = make_client()
    for kwargs in ({"amount": Decimal("0")}, {"amount": Decimal("-3")},
                   {"amount": Decimal("3"), "method": "barter"},
                   {"amount": Decimal("3"), "purpose": "nothing"}):
        with pytest.raises(DomainError):
            take_payment(client.id, **kwargs)
    with pytest.raises(NotFound):
        take_payment(999999, Decimal("1"))


def test_debts_list_shows_the_age_of_the_oldest_unpaid_charge(db):
    old, recent, clear = make_client(), make_client(), make_client()
    add_charge(old.id, Decimal("40"), "sale", on=TODAY - timedelta(days=30))
    add_charge(old.id, Decimal("25"), "sale", on=TODAY - timedelta(days=10))
    take_payment(old.id, Decimal("50"), purpose="sale")  # pays the first, part of the second
    add_charge(recent.id, Decimal("15"), "visit", on=TODAY - timedelta(days=2))
    add_charge(clear.id, Decimal("15"), "visit", on=TODAY - timedelta(days=60))
    take_payment(clear.id, Decimal("15"), purpose="visit")
    rows = debts()
    assert [r["client_id"] for r in rows] == [old.id, recent.id]
    assert rows[0]["balance"] == Decimal("15.00")
    assert rows[0]["since"] == TODAY - timedelta(days=10) and rows[0]["days"] == 10
    assert rows[1]["days"] == 2 and rows[1]["name"] == recent.full_name


# --- bonus points -------------------------------------------------------------------------

def test_money_payments_accrue_bonus_points(app, db):
    client = make_client()
    take_payment(client.id, Decimal("100"), method="card", purpose="sale")
    assert bonuses.bonus_balance(client.id) == Decimal("5.00")
    app.config["BONUS_ACCRUAL_PERCENT"] = 10
    try:
        take_payment(client.id, Decimal("33.33"), method="cash", purpose="sale")
    finally:
        app.config.pop("BONUS_ACCRUAL_PERCENT")
    assert bonuses.bonus_balance(client.id) == Decimal("8.33")


def test_points_are_spent_as_a_payment_without_overdraft(db):
    client = make_client()
    take_payment(client.id, Decimal("200"), method="cash", purpose="deposit")  # 10 points
    add_charge(client.id, Decimal("8"), "sale")
    payment = take_payment(client.id, Decimal("8"), method="bonus", purpose="sale")
    assert payment.method == "bonus"
    assert bonuses.bonus_balance(client.id) == Decimal("2.00")  # no points on points
    with pytest.raises(bonuses.NotEnoughPoints):
        take_payment(client.id, Decimal("2.01"), method="bonus", purpose="sale")
    assert bonuses.bonus_balance(client.id) == Decimal("2.00")


def test_refund_takes_back_points_but_never_below_zero(db):
    client = make_client()
    pass_ = make_pass(client, make_plan(price=Decimal("100")), amount_paid=Decimal("100"))
    assert bonuses.bonus_balance(client.id) == Decimal("5.00")
    take_payment(client.id, Decimal("4"), method="bonus", purpose="sale")
    from app.services.money.passes import refund_pass

    refund_pass(pass_.id, "moving")
    assert bonuses.bonus_balance(client.id) == Decimal("0.00")


def test_points_adjustment_needs_a_note(db):
    client = make_client()
    with pytest.raises(DomainError):
        bonuses.adjust_points(client.id, Decimal("5"), "")
    bonuses.adjust_points(client.id, Decimal("5"), "birthday")
    with pytest.raises(bonuses.NotEnoughPoints):
        bonuses.adjust_points(client.id, Decimal("-6"), "mistake")


# --- gift certificates -------------------------------------------------------------------

def test_certificate_issue_and_redeem(db):
    buyer, friend = make_client(), make_client()
    cert = certificate_sales.issue_certificate(Decimal("50"), buyer_client_id=buyer.id, method="card")
    assert len(cert.code) == 10 and cert.balance == Decimal("50.00")
    assert client_balances([buyer.id])[buyer.id] == Decimal("0.00")  # charged and paid
    add_charge(friend.id, Decimal("30"), "sale")
    payment = take_payment(friend.id, Decimal("30"), method="certificate", purpose="sale",
                           certificate_code=cert.code.lower())
    assert payment.certificate_id == cert.id
    assert certificates.certificate_balance(cert.code) == Decimal("20.00")
    assert client_balances([friend.id])[friend.id] == Decimal("0.00")


def test_certificate_refuses_overdraft(db):
    client = make_client()
    cert = certificate_sales.issue_certificate(Decimal("25"), code="gift-2026", buyer_client_id=make_client().id, method="cash")
    assert cert.code == "GIFT-2026"
    with pytest.raises(certificates.CertificateOverdraft):
        certificates.redeem_certificate("GIFT-2026", Decimal("25.01"), client.id)
    certificates.redeem_certificate("GIFT-2026", Decimal("25"), client.id)
    with pytest.raises(certificates.CertificateOverdraft):
        certificates.redeem_certificate("GIFT-2026", Decimal("0.01"), client.id)
    assert db.session.get(GiftCertificate, cert.id).balance == Decimal("0.00")


def test_certificate_codes_are_unique_and_validity_is_checked(db):
    client = make_client()
    certificate_sales.issue_certificate(Decimal("10"), code="ABC", buyer_client_id=make_client().id, method="cash")
    with pytest.raises(Conflict):
        certificate_sales.issue_certificate(Decimal("10"), code="abc", buyer_client_id=make_client().id, method="cash")
    certificate_sales.issue_certificate(Decimal("10"), code="OLD", valid_until=TODAY - timedelta(1), buyer_client_id=make_client().id, method="cash")
    with pytest.raises(DomainError):
        certificates.redeem_certificate("OLD", Decimal("1"), client.id)
    with pytest.raises(NotFound):
        certificates.redeem_certificate("NOPE", Decimal("1"), client.id)
    with pytest.raises(DomainError):
        certificate_sales.issue_certificate(Decimal("0"), buyer_client_id=make_client().id, method="cash")


def test_concurrent_redemptions_cannot_overdraw(app, db):
    client = make_client()
    certificate_sales.issue_certificate(Decimal("30"), code="RACE", buyer_client_id=make_client().id, method="cash")
    db.session.commit()
    client_id = client.id
    results = []
    barrier = threading.Barrier(8)

    def desk():
        from app.extensions import db as database

        with app.app_context():
            barrier.wait()
            try:
                certificates.redeem_certificate("RACE", Decimal("10"), client_id)
                database.session.commit()
                results.append("ok")
            except certificates.CertificateOverdraft:
                database.session.rollback()
                results.append("refused")
            finally:
                database.session.remove()

    threads = [threading.Thread(target=desk) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["ok"] * 3 + ["refused"] * 5
    db.session.expire_all()
    assert certificates.certificate_balance("RACE") == Decimal("0.00")


def test_charges_of_a_sale_name_the_pass(db):
    pass_ = make_pass()
    charge = db.session.query(Charge).one()
    assert charge.pass_id == pass_.id and charge.kind == "pass"
