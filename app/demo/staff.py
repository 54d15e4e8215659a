"""Demo pay schemes (runs after the timetable demo, which creates the instructors).

Each employee without rules gets a scheme from a small rotation (per lesson with a rate change,
per attendee with a minimum, revenue share plus a fee, fixed monthly); the accountant gets a
fixed monthly salary; last month's payroll is calculated and approved, this month's is a draft.
Running it again creates nothing new.
"""
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from app.extensions import db
from app.models.payroll import (
    FIXED_MONTHLY, PER_ATTENDEE, PER_LESSON, REVENUE_PERCENT, Payroll, PayRule,
)
from app.models.staff import Employee
from app.services.staff import payroll as payroll_service
from app.services.platform import DomainError


def _schemes(start, change):
    """Rule rotation: (kind, values, valid_from, valid_to)."""
    return [
        [(PER_LESSON, dict(amount=Decimal("22.00")), start, change - timedelta(days=1)),
         (PER_LESSON, dict(amount=Decimal("25.00")), change, None)],
        [(PER_ATTENDEE, dict(amount=Decimal("3.50"), min_attendees=3,
                             base_amount=Decimal("10.00")), start, None)],
        [(PER_LESSON, dict(amount=Decimal("12.00")), start, None),
         (REVENUE_PERCENT, dict(percent=Decimal("15.00")), start, None)],
        [(FIXED_MONTHLY, dict(amount=Decimal("900.00")), start, None),
         (PER_ATTENDEE, dict(amount=Decimal("1.50")), start, None)],
    ]


def _month_bounds(day):
    start = day.replace(day=1)
    end = (start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return start, end


def load(users):
    today = date.today()
    this_start, this_end = _month_bounds(today)
    last_start, last_end = _month_bounds(this_start - timedelta(days=1))
    rules_start = date(today.year - 1, 1, 1)
    created = {"pay_rules": 0, "payrolls": 0}

    accountant = users.get("accountant")
    if accountant is not None and db.session.execute(
            select(Employee.id).where(Employee.user_id == accountant.id)).first() is None:
        db.session.add(Employee(full_name="Ирина Смирнова", position="Бухгалтер",
                                email="accountant@demo.tessera.local", hire_date=rules_start,
                                user_id=accountant.id, active=True))
        db.session.flush()

    with_rules = set(db.session.execute(select(PayRule.employee_id).distinct()).scalars())
    employees = db.session.execute(
        select(Employee).where(Employee.active.is_(True)).order_by(Employee.id)).scalars().all()
    schemes = _schemes(rules_start, last_start + timedelta(days=14))
    for index, employee in enumerate(employees):
        if employee.id in with_rules:
            continue
        is_accountant = accountant is not None and employee.user_id == accountant.id
        scheme = ([(FIXED_MONTHLY, dict(amount=Decimal("1800.00")), rules_start, None)]
                  if is_accountant else schemes[index % len(schemes)])
        for kind, values, valid_from, valid_to in scheme:
            db.session.add(PayRule(employee_id=employee.id, kind=kind, valid_from=valid_from,
                                   valid_to=valid_to, **values))
            created["pay_rules"] += 1
    db.session.commit()

    approver = getattr(accountant, "id", None)
    for start, end, approve in ((last_start, last_end, True), (this_start, this_end, False)):
        exists = db.session.execute(select(Payroll.id).where(
            Payroll.period_start == start, Payroll.period_end == end)).first()
        if exists is not None:
            continue
        try:
            payroll = payroll_service.calculate_draft(start, end)
            if approve:
                payroll_service.approve_payroll(payroll.id, approver)
        except DomainError:
            db.session.rollback()
            continue
        created["payrolls"] += 1
    return created
