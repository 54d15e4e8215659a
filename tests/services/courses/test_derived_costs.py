"""Costs derived from payroll (the instructor's pay rules for the course's sessions) and from
stock (materials issued to the course), against hand-computed figures, with their sources."""
from datetime import date, datetime
from decimal import Decimal

import pytest

from app.models.courses import CourseMaterial
from app.models.staff import Employee
from app.models.stock import Product
from app.security import MANAGER
from app.services.courses import attendance, catalogue, economics, registrations
from app.services.platform import DomainError
from tests.factories.courses import make_company, make_cost, make_course
from tests.factories.payroll import make_rule
from tests.factories.stock import make_product


def test_instructor_pay_and_materials_are_costs(db, make_user, count_queries):
    course = make_course(starts_on=date(2026, 6, 1), planned_participants=4,
                         price_per_participant=Decimal("100.00"))
    teacher = db.session.get(Employee, course.instructor_id)
    make_rule(teacher, "per_lesson", amount=Decimal("50.00"))
    make_rule(teacher, "per_attendee", amount=Decimal("10.00"))
    make_rule(teacher, "revenue_percent", percent=Decimal("10.00"))
    company, people = make_company(people=3)
    _, participants = registrations.register(course.id, [{"client_id": p.id} for p in people],
                                             organisation_id=company.id)
    day1 = catalogue.add_session(course.id, datetime(2026, 6, 1, 10), datetime(2026, 6, 1, 13))
    day2 = catalogue.add_session(course.id, datetime(2026, 6, 2, 10), datetime(2026, 6, 2, 13))
    manager = make_user(MANAGER)
    attendance.mark_session(course.id, day1.id, {p.id: True for p in participants}, user=manager)
    attendance.mark_session(course.id, day2.id, {participants[0].id: True,
                                                 participants[1].id: True,
                                                 participants[2].id: False}, user=manager)
    paper = make_product(stock=20, name="Handouts", cost=Decimal("2.00"))
    material = economics.issue_materials(course.id, paper.id, 5)
    assert material.quantity == 5 and material.unit_cost == Decimal("2.00")
    assert db.session.get(Product, paper.id).on_hand == 15
    make_cost(course, "Room", "30.00", "actual")

    figures = economics.course_economics_with_lines(course.id)
    # planned: per session 50 + 10 × 4 + 10 % of (400 ÷ 2) = 110, two sessions
    assert figures.planned.fixed_cost == Decimal("220.00")
    assert figures.planned.profit == Decimal("180.00")
    assert figures.planned.margin_percent == Decimal("45.00")
    assert figures.planned.break_even(figures.price) == 3
    # actual: (50 + 30 + 15) + (50 + 20 + 15) = 180 pay, 10.00 materials, 30.00 room
    assert figures.actual.fixed_cost == Decimal("220.00")
    assert figures.actual.revenue == Decimal("300.00")
    assert figures.actual.profit == Decimal("80.00")
    assert figures.actual.margin_percent == Decimal("26.67")
    sources = {(c.kind, c.source): c.amount for c in figures.sources}
    assert sources == {("actual", "typed"): Decimal("30.00"),
                       ("planned", "payroll"): Decimal("220.00"),
                       ("actual", "payroll"): Decimal("180.00"),
                       ("actual", "stock"): Decimal("10.00")}
    # the comparison stays a constant number of queries with sessions, rules and materials
    for _ in range(3):
        other = make_course(starts_on=date(2026, 7, 1))
        catalogue.add_session(other.id, datetime(2026, 7, 1, 15), datetime(2026, 7, 1, 16))
    db.session.commit()
    db.session.expire_all()
    with count_queries() as counted:
        economics.economics_comparison()
    assert counted() <= 8


def test_materials_never_take_stock_below_zero(db):
    course = make_course()
    paper = make_product(stock=2)
    with pytest.raises(DomainError):
        economics.issue_materials(course.id, paper.id, 3)
    with pytest.raises(DomainError):
        economics.issue_materials(course.id, 999999, 1)
    assert db.session.query(CourseMaterial).count() == 0
