"""Payroll life cycle: approval freezes the figures, undo before/after approval, reversal."""
from datetime import date
from decimal import Decimal

import pytest

from app.models.payroll import APPROVED, FIXED_MONTHLY, PER_LESSON, REVERSED, PayRule
from app.services.staff import pay_rules
from app.services.staff import payroll as service
from app.services.platform.errors import Conflict, DomainError
from tests.factories.payroll import at, make_attendance, make_employee, make_lesson, make_rule

JAN_START, JAN_END = date(2026, 1, 1), date(2026, 1, 31)


@pytest.fixture
def month(db, make_user):
    """An instructor with two held lessons in January at 20 each, and an approver."""
    emp = make_employee(full_name="Olena Kovalenko")
    rule = make_rule(emp, PER_LESSON, amount=Decimal("20"))
    lessons = [make_lesson(emp, at(date(2026, 1, day))) for day in (5, 12)]
    for lesson in lessons:
        make_attendance(lesson, value="9")
    db.session.commit()
    return dict(employee=emp, rule=rule, lessons=lessons, user=make_user("Accountant"))


def _undo(db, lesson):
    """The timetable's own "undo held": back to planned, every write-off cancelled."""
    from app.services.timetable.attendance import undo_held

    undo_held(lesson.id)
    db.session.commit()


def test_undo_before_approval_changes_the_next_draft(db, month):
    draft = service.calculate_draft(JAN_START, JAN_END)
    assert draft.total == Decimal("40.00")
    _undo(db, month["lessons"][1])

    with pytest.raises(Conflict):  # the draft no longer matches the lessons
        service.approve_payroll(draft.id, month["user"].id)
    draft = service.calculate_draft(JAN_START, JAN_END)

    assert draft.total == Decimal("20.00")
    assert [line.lesson_id for line in service.payroll_lines(draft.id)] == [month["lessons"][0].id]
    warnings = service.unmarked_lessons(JAN_START, JAN_END)
    assert [item["lesson_id"] for item in warnings] == [month["lessons"][1].id]


def test_approval_freezes_the_figures(db, month):
    draft = service.calculate_draft(JAN_START, JAN_END)
    approved = service.approve_payroll(draft.id, month["user"].id)
    assert approved.status == APPROVED and approved.approved_by_fk == month["user"].id
    assert approved.approved_at is not None

    _undo(db, month["lessons"][1])  # undone after approval
    make_rule(month["employee"], PER_LESSON, amount=Decimal("99"), valid_from=date(2026, 1, 1))
    make_lesson(month["employee"], at(date(2026, 1, 20)))
    db.session.commit()

    with pytest.raises(Conflict):
        service.calculate_draft(JAN_START, JAN_END)
    with pytest.raises(Conflict):  # a period overlapping the approved one as well
        service.calculate_draft(date(2026, 1, 25), date(2026, 2, 5))
    with pytest.raises(Conflict):
        service.approve_payroll(draft.id, month["user"].id)
    db.session.expire_all()
    frozen = service.get_payroll(draft.id)
    assert frozen.total == Decimal("40.00")
    lines = service.payroll_lines(frozen.id)
    assert [(line.lesson_id, line.amount) for line in lines] == [
        (month["lessons"][0].id, Decimal("20.00")), (month["lessons"][1].id, Decimal("20.00"))]


def test_a_rate_used_by_an_approved_payroll_cannot_be_edited(db, month):
    draft = service.calculate_draft(JAN_START, JAN_END)
    service.approve_payroll(draft.id, month["user"].id)
    rule = db.session.get(PayRule, month["rule"].id)

    rule.amount = Decimal("25")
    with pytest.raises(Conflict):
        pay_rules.check_rule_change(rule)
    db.session.rollback()
    db.session.refresh(rule)
    rule.valid_to = date(2026, 1, 10)  # before the last approved lesson (12 Jan)
    with pytest.raises(Conflict):
        pay_rules.check_rule_change(rule)
    db.session.rollback()
    db.session.refresh(rule)
    rule.valid_to = date(2026, 1, 31)
    pay_rules.check_rule_change(rule)  # closing it after its approved use is fine
    with pytest.raises(Conflict):
        pay_rules.check_rule_delete(rule)


def test_next_period_uses_the_new_rate_and_the_old_payroll_keeps_the_old(db, month):
    draft = service.calculate_draft(JAN_START, JAN_END)
    service.approve_payroll(draft.id, month["user"].id)
    make_rule(month["employee"], PER_LESSON, amount=Decimal("35"), valid_from=date(2026, 2, 1))
    make_lesson(month["employee"], at(date(2026, 2, 3)))
    db.session.commit()
    february = service.calculate_draft(date(2026, 2, 1), date(2026, 2, 28))
    assert february.total == Decimal("35.00")
    assert service.get_payroll(draft.id).total == Decimal("40.00")


def test_reversal_needs_a_reason_and_reopens_the_period(db, month, make_user):
    draft = service.calculate_draft(JAN_START, JAN_END)
    with pytest.raises(Conflict):  # a draft is not reversed, it is recalculated
        service.reverse_payroll(draft.id, month["user"].id, "typo")
    service.approve_payroll(draft.id, month["user"].id)
    admin = make_user("Admin")
    with pytest.raises(DomainError):
        service.reverse_payroll(draft.id, admin.id, "  ")

    reversed_ = service.reverse_payroll(draft.id, admin.id, "Wrong rate for January")

    assert reversed_.status == REVERSED and reversed_.reversal_reason == "Wrong rate for January"
    assert reversed_.reversed_by_fk == admin.id
    again = service.calculate_draft(JAN_START, JAN_END)
    assert again.id != draft.id and again.status == "draft"
    assert len(service.payroll_lines(draft.id)) == 2  # the reversed payroll stays as history


def test_pay_rule_validation(db):
    emp = make_employee()
    bad = [
        PayRule(employee_id=emp.id, kind="hourly", amount=1, valid_from=JAN_START),
        PayRule(employee_id=emp.id, kind=PER_LESSON, valid_from=JAN_START),
        PayRule(employee_id=emp.id, kind=PER_LESSON, amount=-1, valid_from=JAN_START),
        PayRule(employee_id=emp.id, kind="revenue_percent", percent=120, valid_from=JAN_START),
        PayRule(employee_id=emp.id, kind=FIXED_MONTHLY, amount=1, valid_from=JAN_END,
                valid_to=JAN_START),
        PayRule(employee_id=emp.id, kind=FIXED_MONTHLY, amount=1, min_attendees=2,
                valid_from=JAN_START),
    ]
    for rule in bad:
        with pytest.raises(DomainError):
            pay_rules.validate_pay_rule(rule)
    pay_rules.validate_pay_rule(PayRule(employee_id=emp.id, kind="revenue_percent", percent=35,
                                        valid_from=JAN_START))


def test_payslips_of_an_instructor_are_only_its_own(db, make_user):
    user = make_user("Instructor")
    own = make_employee(user_id=user.id)
    other = make_employee()
    for emp in (own, other):
        make_rule(emp, PER_LESSON, amount=Decimal("10"))
        make_lesson(emp, at(date(2026, 1, 5)))
    db.session.commit()
    payroll = service.calculate_draft(JAN_START, JAN_END)
    assert service.approved_payslips(service.payslip_employee_ids(user.id, False)) == []
    service.approve_payroll(payroll.id, None)

    visible = service.payslip_employee_ids(user.id, False)
    assert visible == {own.id}
    assert [(row[1], row[3]) for row in service.approved_payslips(visible)] == [
        (own.id, Decimal("10.00"))]
    assert service.payslip_employee_ids(user.id, True) is None
    assert len(service.approved_payslips(None)) == 2
