"""Sales plans: plan against actual per month (course, direction, everything; a manager's own
registrations or the company's), hand-computed; managers plan only their own."""
from datetime import date
from decimal import Decimal

import pytest

from app.security import MANAGER
from app.services.courses import plans, registrations
from app.services.platform import DomainError, Forbidden
from tests.factories.courses import make_company, make_course, make_direction


def _sell(course, people, seller, payment_type="later"):
    _, added = registrations.register(course.id, [{"client_id": p.id, "payment_type": payment_type}
                                                  for p in people])
    for participant in added:
        participant.created_by_fk = seller.id
    return added


def test_plan_against_actual(db, make_user):
    ann, bob = make_user(MANAGER), make_user(MANAGER)
    banking = make_direction(name="Banking")
    june = date(2026, 6, 1)
    risk = make_course(starts_on=date(2026, 6, 10), direction_id=banking.id,
                       price_per_participant=Decimal("150.00"))
    law = make_course(starts_on=date(2026, 6, 20), price_per_participant=Decimal("80.00"))
    july = make_course(starts_on=date(2026, 7, 1), direction_id=banking.id)
    _c, people = make_company(people=7)
    _sell(risk, people[:2], ann)                   # 2 × 150
    _sell(risk, people[2:3], bob)                  # 1 × 150
    _sell(risk, people[3:4], ann, "free")          # 1 × 0
    _sell(law, people[4:6], ann)                   # 2 × 80
    _sell(july, people[6:], ann)                   # another month
    company = plans.save_plan(june, 10, "1000", see_all=True)
    anns = plans.save_plan(date(2026, 6, 15), 4, 500, manager_id=ann.id, user_id=ann.id)
    anns_risk = plans.save_plan(june, 2, 300, manager_id=ann.id, course_id=risk.id,
                                user_id=ann.id)
    bank = plans.save_plan(june, 5, 600, direction_id=banking.id, see_all=True)
    assert anns.month == june
    rows = {f.plan.id: f for f in plans.plans_with_actuals(june, see_all=True)}
    assert (rows[company.id].participants, rows[company.id].revenue) == (6, Decimal("610.00"))
    assert rows[company.id].participants_percent == Decimal("60.0")
    assert rows[company.id].revenue_percent == Decimal("61.0")
    assert (rows[anns.id].participants, rows[anns.id].revenue) == (5, Decimal("460.00"))
    assert (rows[anns_risk.id].participants, rows[anns_risk.id].revenue) == (
        3, Decimal("300.00"))
    assert rows[anns_risk.id].revenue_percent == Decimal("100.0")
    assert (rows[bank.id].participants, rows[bank.id].revenue) == (4, Decimal("450.00"))
    # a manager sees their own plans only
    assert {f.plan.id for f in plans.plans_with_actuals(june, user_id=ann.id)} == {
        anns.id, anns_risk.id}
    assert plans.plans_with_actuals(june, user_id=bob.id) == []
    # saving again replaces
    again = plans.save_plan(june, 6, 700, manager_id=ann.id, user_id=ann.id)
    assert again.id == anns.id and again.participants == 6


def test_plan_rules(db, make_user):
    ann, bob = make_user(MANAGER), make_user(MANAGER)
    course, direction = make_course(), make_direction()
    june = date(2026, 6, 1)
    with pytest.raises(Forbidden):
        plans.save_plan(june, 1, 1, manager_id=bob.id, user_id=ann.id)
    with pytest.raises(Forbidden):
        plans.save_plan(june, 1, 1, user_id=ann.id)  # the company's plan is Admin's
    for args, field in (((june, -1, 1), "participants"), ((june, 1, -5), "revenue"),
                        ((june, "x", 1), "participants"), ((None, 1, 1), "month"),
                        ((june, 1, "NaN"), "revenue"), ((june, 1, "1e999"), "revenue"),
                        ((june, 1, "abc"), "revenue")):
        with pytest.raises(DomainError) as refused:
            plans.save_plan(*args, manager_id=ann.id, user_id=ann.id)
        assert refused.value.field == field
    with pytest.raises(DomainError) as refused:
        plans.save_plan(june, 1, 1, manager_id=ann.id, user_id=ann.id, course_id=course.id,
                        direction_id=direction.id)
    assert refused.value.field == "direction"
