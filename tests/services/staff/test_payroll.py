"""Payroll calculation: each rule kind, mixes, dated rate changes, fixed monthly proration."""
from datetime import date
from decimal import Decimal

import pytest

from app.models.payroll import (
    FIXED_MONTHLY, PER_ATTENDEE, PER_LESSON, REVENUE_PERCENT, PayrollLine,
)
from app.services.staff import payroll as service
from app.services.platform.errors import DomainError
from tests.factories.payroll import (
    at, make_attendance, make_client, make_employee, make_lesson, make_rule,
)

JAN_START, JAN_END = date(2026, 1, 1), date(2026, 1, 31)


def _amounts(lines, kind=None):
    return [line["amount"] for line in lines if kind is None or line["rule_kind"] == kind]


def test_per_lesson_pays_each_held_lesson_only(db):
    emp = make_employee(full_name="Aram Petrosyan")
    make_rule(emp, PER_LESSON, amount=Decimal("25.00"))
    held = make_lesson(emp, at(date(2026, 1, 5)))
    make_lesson(emp, at(date(2026, 1, 6)))
    make_lesson(emp, at(date(2026, 1, 7)), status="planned")
    make_lesson(emp, at(date(2026, 1, 8)), status="cancelled")
    make_lesson(emp, at(date(2026, 2, 1)))  # outside the period
    db.session.commit()

    payroll = service.calculate_draft(JAN_START, JAN_END)

    lines = service.payroll_lines(payroll.id)
    assert [line.amount for line in lines] == [Decimal("25.00"), Decimal("25.00")]
    assert lines[0].lesson_id == held.id and lines[0].employee_name == "Aram Petrosyan"
    assert lines[0].group_name.startswith("Group")
    assert payroll.total == Decimal("50.00") and payroll.status == "draft"


def test_per_attendee_counts_present_and_late_with_threshold(db):
    emp = make_employee()
    make_rule(emp, PER_ATTENDEE, amount=Decimal("4.50"), min_attendees=3,
              base_amount=Decimal("5.00"))
    full = make_lesson(emp, at(date(2026, 1, 5)))
    for status in ("present", "present", "late", "absent", "excused"):
        make_attendance(full, status=status)
    thin = make_lesson(emp, at(date(2026, 1, 6)))
    make_attendance(thin, status="present")
    make_attendance(thin, status="present")
    db.session.commit()

    lines, _unpaid = service.compute_lines(JAN_START, JAN_END)

    by_lesson = {line["lesson_id"]: line for line in lines}
    assert by_lesson[full.id]["attendees"] == 3
    assert by_lesson[full.id]["amount"] == Decimal("13.50")
    assert by_lesson[thin.id]["attendees"] == 2
    assert by_lesson[thin.id]["amount"] == Decimal("5.00")  # below the threshold: the base


def test_threshold_without_base_pays_nothing(db):
    emp = make_employee()
    make_rule(emp, PER_LESSON, amount=Decimal("30"), min_attendees=2)
    lesson = make_lesson(emp, at(date(2026, 1, 5)))
    make_attendance(lesson)
    db.session.commit()
    lines, _ = service.compute_lines(JAN_START, JAN_END)
    assert _amounts(lines) == [Decimal("0.00")]


def test_revenue_percent_uses_uncancelled_write_offs(db):
    emp = make_employee()
    make_rule(emp, REVENUE_PERCENT, percent=Decimal("40"))
    lesson = make_lesson(emp, at(date(2026, 1, 5)))
    make_attendance(lesson, value="10.00")
    make_attendance(lesson, value="20.05", status="absent")  # an unexcused absence still paid
    make_attendance(lesson, value="30.00", cancelled=True)
    make_attendance(lesson)  # no session written off
    db.session.commit()

    lines, _ = service.compute_lines(JAN_START, JAN_END)

    assert len(lines) == 1
    assert lines[0]["revenue"] == Decimal("30.05")
    assert lines[0]["amount"] == Decimal("12.02")  # 40 % of 30.05 = 12.02
    assert lines[0]["rate"] == Decimal("40")


def test_fixed_monthly_whole_month_and_prorated(db):
    emp = make_employee(full_name="Irina Smirnova")
    make_rule(emp, FIXED_MONTHLY, amount=Decimal("1550.00"))
    db.session.commit()

    whole, _ = service.compute_lines(JAN_START, JAN_END)
    half, _ = service.compute_lines(date(2026, 1, 1), date(2026, 1, 10))
    two_months, _ = service.compute_lines(date(2026, 1, 17), date(2026, 2, 14))

    assert _amounts(whole) == [Decimal("1550.00")]
    assert _amounts(half) == [Decimal("500.00")]  # 10 of 31 days
    # 15 of 31 days of January, 14 of 28 days of February
    assert _amounts(two_months) == [Decimal("750.00"), Decimal("775.00")]
    assert [line["date"] for line in two_months] == [date(2026, 1, 17), date(2026, 2, 1)]


def test_fixed_monthly_starts_at_hire_date(db):
    emp = make_employee(hire_date=date(2026, 1, 22))
    make_rule(emp, FIXED_MONTHLY, amount=Decimal("3100"))
    db.session.commit()
    lines, _ = service.compute_lines(JAN_START, JAN_END)
    assert _amounts(lines) == [Decimal("1000.00")]  # 10 of 31 days


def test_a_mix_of_rules_pays_one_line_per_kind(db):
    emp = make_employee()
    make_rule(emp, PER_LESSON, amount=Decimal("10"))
    make_rule(emp, REVENUE_PERCENT, percent=Decimal("10"))
    make_rule(emp, FIXED_MONTHLY, amount=Decimal("310"))
    lesson = make_lesson(emp, at(date(2026, 1, 5)))
    make_attendance(lesson, value="50")
    db.session.commit()

    payroll = service.calculate_draft(JAN_START, JAN_END)

    kinds = sorted((line.rule_kind, line.amount) for line in service.payroll_lines(payroll.id))
    assert kinds == [(FIXED_MONTHLY, Decimal("310.00")), (PER_LESSON, Decimal("10.00")),
                     (REVENUE_PERCENT, Decimal("5.00"))]
    assert payroll.total == Decimal("325.00")


def test_mid_period_rate_change_applies_from_its_date(db):
    emp = make_employee()
    old = make_rule(emp, PER_LESSON, amount=Decimal("20"), valid_from=date(2025, 9, 1))
    new = make_rule(emp, PER_LESSON, amount=Decimal("30"), valid_from=date(2026, 1, 15))
    make_rule(emp, FIXED_MONTHLY, amount=Decimal("310"), valid_from=date(2025, 1, 1),
              valid_to=date(2026, 1, 10))
    make_rule(emp, FIXED_MONTHLY, amount=Decimal("620"), valid_from=date(2026, 1, 11))
    for day in (5, 14, 15, 20):
        make_lesson(emp, at(date(2026, 1, day)))
    db.session.commit()

    lines, _ = service.compute_lines(JAN_START, JAN_END)

    per_lesson = [(line["date"].day, line["rule_id"], line["amount"])
                  for line in lines if line["rule_kind"] == PER_LESSON]
    assert per_lesson == [(5, old.id, Decimal("20.00")), (14, old.id, Decimal("20.00")),
                          (15, new.id, Decimal("30.00")), (20, new.id, Decimal("30.00"))]
    # 10 days at 310/31 and 21 days at 620/31
    assert _amounts(lines, FIXED_MONTHLY) == [Decimal("100.00"), Decimal("420.00")]


def test_rule_outside_its_validity_pays_nothing_and_lesson_is_flagged(db):
    emp = make_employee()
    make_rule(emp, PER_LESSON, amount=Decimal("20"), valid_from=date(2026, 1, 10),
              valid_to=date(2026, 1, 20))
    early = make_lesson(emp, at(date(2026, 1, 5)))
    make_lesson(emp, at(date(2026, 1, 12)))
    db.session.commit()
    lines, unpaid = service.compute_lines(JAN_START, JAN_END)
    assert len(lines) == 1 and lines[0]["date"] == date(2026, 1, 12)
    assert [item["lesson_id"] for item in unpaid] == [early.id]


def test_individual_lesson_is_labelled_with_service_and_client(db):
    emp = make_employee()
    make_rule(emp, PER_LESSON, amount=Decimal("40"))
    client = make_client(first_name="Lusine", last_name="Hakobyan")
    make_lesson(emp, at(date(2026, 1, 5)), client_id=client.id)
    db.session.commit()
    lines, _ = service.compute_lines(JAN_START, JAN_END)
    assert lines[0]["group_name"].endswith("Hakobyan Lusine")


def test_employee_filter(db):
    first, second = make_employee(), make_employee()
    for emp in (first, second):
        make_rule(emp, PER_LESSON, amount=Decimal("10"))
        make_lesson(emp, at(date(2026, 1, 5)))
    db.session.commit()
    lines, _ = service.compute_lines(JAN_START, JAN_END, employee_id=second.id)
    assert {line["employee_id"] for line in lines} == {second.id}


def test_past_lessons_not_marked_held_are_warnings(db):
    emp = make_employee()
    past = make_lesson(emp, at(date(2026, 1, 5)), status="planned")
    make_lesson(emp, at(date(2026, 1, 6)), status="cancelled")
    make_lesson(emp, at(date(2026, 1, 7)))
    make_lesson(emp, at(date(2099, 1, 7)), status="planned")
    db.session.commit()
    warnings = service.unmarked_lessons(JAN_START, date(2099, 12, 31))
    assert [item["lesson_id"] for item in warnings] == [past.id]


def test_a_period_must_not_end_before_it_starts(db):
    with pytest.raises(DomainError):
        service.calculate_draft(JAN_END, JAN_START)


def test_recalculating_a_draft_replaces_its_lines(db):
    emp = make_employee()
    make_rule(emp, PER_LESSON, amount=Decimal("10"))
    make_lesson(emp, at(date(2026, 1, 5)))
    db.session.commit()
    first = service.calculate_draft(JAN_START, JAN_END)
    make_lesson(emp, at(date(2026, 1, 6)))
    db.session.commit()
    second = service.calculate_draft(JAN_START, JAN_END)
    assert first.id == second.id
    assert db.session.query(PayrollLine).count() == 2 and second.total == Decimal("20.00")


def test_calculation_query_count_does_not_grow_with_lessons(db, count_queries):
    emp = make_employee()
    make_rule(emp, PER_ATTENDEE, amount=Decimal("2"))
    make_rule(emp, REVENUE_PERCENT, percent=Decimal("10"))
    make_lesson(emp, at(date(2026, 1, 2)))
    db.session.commit()
    service.calculate_draft(JAN_START, JAN_END)
    with count_queries() as small:
        service.calculate_draft(JAN_START, JAN_END)
    for day in range(3, 28):
        lesson = make_lesson(make_employee() if day % 2 else emp, at(date(2026, 1, day)))
        make_attendance(lesson, value="12")
    db.session.commit()
    with count_queries() as large:
        service.calculate_draft(JAN_START, JAN_END)
    assert large() == small()
    assert large() <= 8


def test_calculation_statements_constant_with_salaried_instructors(db, count_queries):
    """Fixed monthly lines (no lesson, no group) between lesson lines are written in the same
    one statement: several salaried instructors do not add INSERTs."""
    def salaried(days):
        emp = make_employee()
        make_rule(emp, FIXED_MONTHLY, amount=Decimal("900"))
        make_rule(emp, PER_LESSON, amount=Decimal("5"))
        for day in days:
            make_attendance(make_lesson(emp, at(date(2026, 1, day))), value="10")
        return emp

    salaried([5])
    db.session.commit()
    service.calculate_draft(JAN_START, JAN_END)
    with count_queries() as small:
        service.calculate_draft(JAN_START, JAN_END)
    for _ in range(5):
        salaried(range(6, 20))
    db.session.commit()
    with count_queries() as large:
        payroll = service.calculate_draft(JAN_START, JAN_END)
    assert large() == small()
    lines = db.session.query(PayrollLine).filter_by(payroll_id=payroll.id).all()
    assert len([line for line in lines if line.rule_kind == FIXED_MONTHLY]) == 6
    assert len([line for line in lines if line.rule_kind == PER_LESSON]) == 1 + 5 * 14
    assert payroll.total == Decimal(6 * 900 + (1 + 5 * 14) * 5)


def test_services_delivered_per_month(db):
    emp = make_employee()
    jan = make_lesson(emp, at(date(2026, 1, 5)))
    make_attendance(jan, value="10")
    make_attendance(jan, status="absent")
    make_lesson(emp, at(date(2026, 1, 9)))
    feb = make_lesson(emp, at(date(2026, 2, 5)))
    make_attendance(feb, value="7.5")
    make_lesson(emp, at(date(2026, 2, 6)), status="planned")
    db.session.commit()
    rows = service.services_delivered(emp.id)
    assert rows == [
        dict(year=2026, month=2, lessons=1, attendees=1, revenue=Decimal("7.50")),
        dict(year=2026, month=1, lessons=2, attendees=1, revenue=Decimal("10.00")),
    ]


def test_held_lessons_no_rule_pays_are_warnings(db):
    paid, unpaid_emp = make_employee(), make_employee()
    make_rule(paid, PER_LESSON, amount=Decimal("10"), valid_from=date(2026, 1, 10))
    make_rule(unpaid_emp, FIXED_MONTHLY, amount=Decimal("1000"))  # not a lesson rule
    before_rule = make_lesson(paid, at(date(2026, 1, 9)))
    make_lesson(paid, at(date(2026, 1, 10)))
    no_lesson_rule = make_lesson(unpaid_emp, at(date(2026, 1, 11)))
    db.session.commit()
    warnings = service.payroll_warnings(JAN_START, JAN_END)
    assert [(w["kind"], w["lesson_id"]) for w in warnings] == [
        ("no_rule", before_rule.id), ("no_rule", no_lesson_rule.id)]
    _lines, unpaid = service.compute_lines(JAN_START, JAN_END)
    assert [item["lesson_id"] for item in unpaid] == [before_rule.id, no_lesson_rule.id]
