"""Organisations as paying clients: balance = charges − payments, receivables, trainees."""
from decimal import Decimal

import pytest

from app.services.courses import certificates, organisations, registrations
from app.services.platform import DomainError, NotFound
from tests.factories.courses import make_company, make_course, make_person


def _setup():
    first = make_course(title="First aid", price_per_organisation=Decimal("80.00"))
    second = make_course(title="Banking law", price_per_participant=Decimal("100.00"))
    company, people = make_company(short_name="Acme", people=3)
    registrations.register(first.id, [{"client_id": people[0].id},
                                      {"client_id": people[1].id, "payment_type": "guarantee"},
                                      {"client_id": people[2].id, "payment_type": "free"}],
                           organisation_id=company.id)
    registrations.register(second.id, [{"client_id": people[0].id}], organisation_id=company.id)
    organisations.record_payment(company.id, Decimal("150.00"), course_id=first.id)
    organisations.record_payment(company.id, Decimal("50.00"))
    return first, second, company, people


def test_balance_is_charges_minus_payments(db):
    _, _, company, _ = _setup()
    other, _ = make_company()
    balance = organisations.organisation_balance(company.id)
    # charges: 80 + 80 + 0 (free) on the first course, 100 on the second = 260; paid 200
    assert (balance.charges, balance.payments, balance.balance) == (
        Decimal("260.00"), Decimal("200.00"), Decimal("60.00"))
    balances = organisations.organisation_balances([company.id, other.id])
    assert balances[other.id].balance == Decimal("0")
    assert balance.as_dict() == {"charges": "260.00", "payments": "200.00", "balance": "60.00"}


def test_receivables_per_course(db):
    first, second, company, _ = _setup()
    rows = organisations.receivables_by_course(company.id)
    summary = [(course.title if course else None, b.charges, b.payments, b.balance)
               for course, b in rows]
    assert sorted(summary, key=str) == sorted([
        ("First aid", Decimal("160.00"), Decimal("150.00"), Decimal("10.00")),
        ("Banking law", Decimal("100.00"), Decimal("0.00"), Decimal("100.00")),
        (None, Decimal("0.00"), Decimal("50.00"), Decimal("-50.00"))], key=str)
    assert rows[-1][0] is None


def test_a_courses_receivables_name_organisations_and_private_people(db):
    first, _, company, _ = _setup()
    later = make_person(last_name="Later")
    paid = make_person(last_name="Paid")
    registrations.register(first.id, [{"client_id": later.id, "payment_type": "later"},
                                      {"client_id": paid.id, "payment_type": "paid"}])
    result = organisations.course_receivables(first.id)
    assert [(o.short_name, b.balance) for o, b in result["organisations"]] == [
        ("Acme", Decimal("10.00"))]
    assert [p.client_id for p in result["private"]] == [later.id]


def test_trainees_show_course_result_and_certificate(db):
    first, second, company, people = _setup()
    participant = next(p for p in first.registrations[0].participants
                       if p.client_id == people[0].id)
    certificates.certify(first.id, participant.id, "passed", grade="5")
    rows = organisations.trainees(company.id)
    assert len(rows) == 4
    certified = [r for r in rows if r.certificate_number]
    assert [(r.client_id, r.course.title, r.grade) for r in certified] == [
        (people[0].id, "First aid", "5")]


def test_payments_are_positive_and_for_known_organisations(db):
    company, _ = make_company()
    with pytest.raises(DomainError):
        organisations.record_payment(company.id, Decimal("0"))
    with pytest.raises(NotFound):
        organisations.record_payment(999999, Decimal("10"))
    with pytest.raises(NotFound):
        organisations.organisation_balance(999999)
