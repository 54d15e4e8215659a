"""Economics against figures computed by hand (see each test's comments)."""
from decimal import Decimal

import pytest

from app.services.courses import economics, registrations
from app.services.platform import DomainError
from tests.factories.courses import make_company, make_cost, make_course, make_person


def _course():
    course = make_course(price_per_participant=Decimal("100.00"),
                         price_per_organisation=Decimal("80.00"), planned_participants=12)
    make_cost(course, "Room", "300.00", "planned")
    make_cost(course, "Instructor", "500.00", "planned")
    make_cost(course, "Materials", "20.00", "planned", "per_participant")
    make_cost(course, "Room", "300.00", "actual")
    make_cost(course, "Instructor", "450.00", "actual")
    make_cost(course, "Materials", "25.00", "actual", "per_participant")
    return course


def test_planned_figures(db):
    figures = economics.course_economics(_course().id)
    planned = figures.planned
    # 12 × 100 = 1200 revenue; 800 fixed + 12 × 20 = 1040 cost
    assert planned.participants == 12
    assert planned.revenue == Decimal("1200.00")
    assert planned.cost == Decimal("1040.00")
    assert planned.cost_price == Decimal("86.67")  # 1040 / 12 = 86.666…
    assert planned.profit == Decimal("160.00")
    assert planned.margin_percent == Decimal("13.33")  # 160 / 1200 = 13.333…%
    assert planned.break_even(figures.price) == 10  # 800 / (100 − 20) = 10


def test_actual_figures(db):
    course = _course()
    company, people = make_company(people=3)
    registrations.register(course.id, [{"client_id": people[0].id},
                                       {"client_id": people[1].id, "payment_type": "paid"},
                                       {"client_id": people[2].id, "payment_type": "free"}],
                           organisation_id=company.id)
    registrations.register(course.id, [{"client_id": make_person().id}])
    figures = economics.course_economics(course.id)
    actual = figures.actual
    # 2 × 80 (organisation) + 0 (free) + 100 (private) = 260; 750 fixed + 4 × 25 = 850
    assert actual.participants == 4
    assert actual.revenue == Decimal("260.00")
    assert actual.cost == Decimal("850.00")
    assert actual.cost_price == Decimal("212.50")
    assert actual.profit == Decimal("-590.00")
    assert actual.margin_percent == Decimal("-226.92")  # −590 / 260 = −226.923…%
    assert actual.break_even(figures.price) == 19  # 750 / (260 / 4 − 25) = 18.75 → 19
    data = figures.as_dict()
    assert data["actual"]["profit"] == "-590.00"
    assert data["planned"]["break_even_participants"] == 10


def test_nothing_registered_nor_planned(db):
    course = make_course(min_participants=0, price_per_participant=Decimal("50.00"))
    make_cost(course, "Lunch", "60.00", "planned", "per_participant")
    figures = economics.course_economics(course.id)
    assert figures.planned.participants == 0
    assert figures.planned.cost_price is None and figures.planned.margin_percent is None
    assert figures.planned.break_even(figures.price) is None  # 50 − 60 < 0: never breaks even


def test_cost_lines_are_validated(db):
    course = make_course()
    with pytest.raises(DomainError) as refused:
        economics.add_cost(course.id, "Room", Decimal("-1"))
    assert refused.value.field == "amount"
    with pytest.raises(DomainError) as refused:
        economics.add_cost(course.id, "Room", Decimal("1"), kind="guess")
    assert refused.value.field == "kind"
    with pytest.raises(DomainError) as refused:
        economics.add_cost(course.id, "Room", Decimal("1"), basis="hourly")
    assert refused.value.field == "basis"
    cost = economics.add_cost(course.id, "Room", Decimal("120.00"), "actual")
    assert economics.course_economics(course.id).actual.fixed_cost == Decimal("120.00")
    assert cost.id


def test_comparison_across_courses_and_directions(db, count_queries):
    from datetime import date

    from tests.factories.courses import make_direction

    banking = make_direction(name="Banking")
    first = make_course(direction_id=banking.id, planned_participants=2,
                        starts_on=date(2026, 3, 1))
    make_cost(first, "Room", "50.00", "planned")
    second = make_course(direction_id=banking.id, planned_participants=3,
                         starts_on=date(2026, 4, 1))
    make_cost(second, "Room", "80.00", "actual")
    registrations.register(second.id, [{"client_id": make_person().id}])
    make_course(starts_on=date(2026, 5, 1), planned_participants=1)
    make_course(starts_on=date(2026, 6, 1), cancelled=True)
    db.session.commit()
    db.session.expire_all()
    with count_queries() as counted:
        rows, by_direction = economics.economics_comparison()
    assert counted() == 4  # courses, costs, participants, stock materials (no sessions)
    assert [course.starts_on.month for course, _ in rows] == [3, 4, 5]
    banking_totals = next(t for d, t in by_direction.items() if d is not None)
    # planned: 2 × 100 − 50 = 150 and 3 × 100 = 300; actual: 0 and 100 − 80 = 20
    assert banking_totals["planned"]["revenue"] == Decimal("500.00")
    assert banking_totals["planned"]["profit"] == Decimal("450.00")
    assert banking_totals["actual"]["revenue"] == Decimal("100.00")
    assert banking_totals["actual"]["profit"] == Decimal("20.00")
    assert by_direction[None]["planned"]["revenue"] == Decimal("100.00")
    rows, _ = economics.economics_comparison(date(2026, 4, 1), date(2026, 4, 30))
    assert [course.id for course, _ in rows] == [second.id]
