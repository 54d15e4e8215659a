"""Payroll: calculate a draft for a period, warn about unmarked lessons, approve, reverse.

The rules, in one place:
- A lesson pays when it is *held* in the period and has an instructor. Attendees are its
  attendances marked present or late; its revenue is the ``value`` of the sessions written off
  for its attendances (any status) that are not cancelled.
- Per lesson: the amount; per attendee: amount × attendees; revenue percent: percent × revenue.
  With ``min_attendees`` set (per lesson / per attendee), a lesson with fewer attendees pays the
  rule's ``base_amount`` instead (nothing when none is set); it still gets a line (of 0).
- Fixed monthly: prorated by calendar days, amount × days paid ÷ days in that month, from the
  hire date; one line per rule and month (its ``attendees`` holds the days paid).
- Rules of different kinds add up ("a mix"); of one kind, the rule with the latest
  ``valid_from`` covering the day applies, so a new rate from a date supersedes the old one.
- Money is rounded to cents half up per line; the total is the sum of the lines.
- A draft is stored and recalculated at will; approving freezes its lines (refused when the
  figures changed since it was calculated). No period an approved payroll covers can be
  calculated again until Admin reverses that payroll, with a reason; lessons marked held or
  undone after approval therefore change nothing until then.

The calculation reads the period in two queries: held lessons with their attendee count and
revenue (one aggregate query), and the pay rules valid in the period.
"""
from collections import OrderedDict
from datetime import datetime, time, timedelta
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, delete, extract, func, or_, select

from app.extensions import db
from app.models.clients import Client
from app.models.passes import Service, SessionWriteOff
from app.models.payroll import (
    APPROVED, DRAFT, FIXED_MONTHLY, REVERSED, Payroll, PayrollLine, PayRule,
)
from app.models.staff import Employee
from app.models.timetable import (
    LATE, LESSON_HELD, LESSON_PLANNED, PRESENT, Attendance, Group, Lesson,
)
from app.services.platform import Conflict, DomainError, NotFound, insert_rows
from app.services.staff.pay_rules import (
    LESSON_KINDS, RuleBook, fixed_monthly_shares, lesson_amount, to_money,
)

ATTENDED = (PRESENT, LATE)


def _bounds(start, end):
    if start is None or end is None or start > end:
        raise DomainError(_l("Pick a period whose start is not after its end."))
    return datetime.combine(start, time.min), datetime.combine(end + timedelta(days=1), time.min)


def _lesson_label():
    """The group's name, or for an individual lesson the service and the client."""
    return func.coalesce(Group.name, Service.name + " · " + Client.last_name + " " + Client.first_name)


def held_lessons(start, end, employee_id=None):
    """Held lessons of the period with attendees (present or late) and revenue (the value of
    their sessions written off and not cancelled): one aggregate query."""
    since, until = _bounds(start, end)
    attended = func.sum(case((Attendance.status.in_(ATTENDED), 1), else_=0))
    revenue = func.sum(case(
        (and_(SessionWriteOff.id.is_not(None), SessionWriteOff.cancelled.is_not(True)),
         SessionWriteOff.value), else_=0))
    query = (
        select(Lesson.id, Lesson.instructor_id, Lesson.starts_at, _lesson_label(),
               Employee.full_name, Employee.hire_date, attended, revenue)
        .join(Employee, Employee.id == Lesson.instructor_id)
        .outerjoin(Group, Group.id == Lesson.group_id)
        .outerjoin(Service, Service.id == Lesson.service_id)
        .outerjoin(Client, Client.id == Lesson.client_id)
        .outerjoin(Attendance, Attendance.lesson_id == Lesson.id)
        .outerjoin(SessionWriteOff, SessionWriteOff.id == Attendance.write_off_id)
        .where(Lesson.status == LESSON_HELD, Lesson.starts_at >= since, Lesson.starts_at < until)
        .group_by(Lesson.id, Lesson.instructor_id, Lesson.starts_at, Group.name, Service.name,
                  Client.last_name, Client.first_name, Employee.full_name, Employee.hire_date)
        .order_by(Lesson.starts_at, Lesson.id)
    )
    if employee_id is not None:
        query = query.where(Lesson.instructor_id == employee_id)
    return db.session.execute(query).all()


def rules_in_period(start, end, employee_id=None):
    """Every pay rule valid on some day of the period, with its employee's name and hire date."""
    query = (
        select(PayRule, Employee.full_name, Employee.hire_date)
        .join(Employee, Employee.id == PayRule.employee_id)
        .where(PayRule.valid_from <= end, or_(PayRule.valid_to.is_(None), PayRule.valid_to >= start))
    )
    if employee_id is not None:
        query = query.where(PayRule.employee_id == employee_id)
    return db.session.execute(query).all()


def compute_lines(start, end, employee_id=None):
    """The lines a payroll for the period would hold, and the held lessons no rule pays.

    Each held lesson gets one line per lesson kind of rule valid on its date; each fixed
    monthly rule gets one prorated line per calendar month (see ``fixed_monthly_shares``).
    """
    rule_rows = rules_in_period(start, end, employee_id)
    book = RuleBook([row[0] for row in rule_rows])
    people = {row[0].employee_id: (row[1], row[2]) for row in rule_rows}
    lines, unpaid = [], []
    for lesson_id, emp_id, starts_at, label, name, _hire, attendees, revenue in held_lessons(
            start, end, employee_id):
        day, attendees, revenue = starts_at.date(), int(attendees or 0), to_money(revenue)
        paid = False
        for kind in LESSON_KINDS:
            rule = book.rule_for(emp_id, kind, day)
            if rule is None:
                continue
            paid = True
            lines.append(dict(
                employee_id=emp_id, employee_name=name, lesson_id=lesson_id, rule_id=rule.id,
                date=day, group_name=label, attendees=attendees, revenue=revenue,
                rule_kind=kind, rate=rule.rate, amount=lesson_amount(rule, attendees, revenue),
            ))
        if not paid:
            unpaid.append(dict(kind="no_rule", lesson_id=lesson_id, starts_at=starts_at,
                               group_name=label, employee_id=emp_id, employee_name=name))
    for emp_id in sorted(book.employees()):
        name, hire_date = people[emp_id]
        for rule, first_day, days, amount in fixed_monthly_shares(book, emp_id, start, end,
                                                                 hire_date):
            lines.append(dict(
                employee_id=emp_id, employee_name=name, lesson_id=None, rule_id=rule.id,
                date=first_day, group_name=None, attendees=days, revenue=None,
                rule_kind=FIXED_MONTHLY, rate=rule.amount, amount=amount,
            ))
    lines.sort(key=lambda line: (line["employee_name"], line["employee_id"], line["date"],
                                 line["lesson_id"] or 0, line["rule_kind"]))
    return lines, unpaid


def unmarked_lessons(start, end, employee_id=None, now=None):
    """Lessons of the period that have started but are still only planned: not marked held
    (nor cancelled), so they pay nothing until someone marks them."""
    since, until = _bounds(start, end)
    until = min(until, now or datetime.now())
    query = (
        select(Lesson.id, Lesson.starts_at, _lesson_label(), Lesson.instructor_id,
               Employee.full_name)
        .outerjoin(Employee, Employee.id == Lesson.instructor_id)
        .outerjoin(Group, Group.id == Lesson.group_id)
        .outerjoin(Service, Service.id == Lesson.service_id)
        .outerjoin(Client, Client.id == Lesson.client_id)
        .where(Lesson.status == LESSON_PLANNED, Lesson.starts_at >= since, Lesson.starts_at < until)
        .order_by(Lesson.starts_at, Lesson.id)
    )
    if employee_id is not None:
        query = query.where(Lesson.instructor_id == employee_id)
    return [dict(kind="unmarked", lesson_id=row[0], starts_at=row[1], group_name=row[2],
                 employee_id=row[3], employee_name=row[4])
            for row in db.session.execute(query)]


def held_without_rule(start, end, employee_id=None):
    """Held lessons of the period that no lesson rule pays: no instructor, or no per-lesson,
    per-attendee or revenue rule of the instructor valid on the lesson's date."""
    since, until = _bounds(start, end)
    lesson_day = func.date(Lesson.starts_at)
    rule_exists = (
        select(PayRule.id)
        .where(PayRule.employee_id == Lesson.instructor_id, PayRule.kind.in_(LESSON_KINDS),
               PayRule.valid_from <= lesson_day,
               or_(PayRule.valid_to.is_(None), PayRule.valid_to >= lesson_day))
        .exists()
    )
    query = (
        select(Lesson.id, Lesson.starts_at, _lesson_label(), Lesson.instructor_id,
               Employee.full_name)
        .outerjoin(Employee, Employee.id == Lesson.instructor_id)
        .outerjoin(Group, Group.id == Lesson.group_id)
        .outerjoin(Service, Service.id == Lesson.service_id)
        .outerjoin(Client, Client.id == Lesson.client_id)
        .where(Lesson.status == LESSON_HELD, Lesson.starts_at >= since, Lesson.starts_at < until,
               or_(Lesson.instructor_id.is_(None), ~rule_exists))
        .order_by(Lesson.starts_at, Lesson.id)
    )
    if employee_id is not None:
        query = query.where(Lesson.instructor_id == employee_id)
    return [dict(kind="no_rule", lesson_id=row[0], starts_at=row[1], group_name=row[2],
                 employee_id=row[3], employee_name=row[4])
            for row in db.session.execute(query)]


def payroll_warnings(start, end, employee_id=None):
    """What the accountant should check before approving: lessons past but not marked held,
    and held lessons no rule pays (two queries)."""
    return unmarked_lessons(start, end, employee_id) + held_without_rule(start, end, employee_id)


def _approved_overlapping(start, end, exclude_id=None):
    query = select(Payroll).where(Payroll.status == APPROVED, Payroll.period_start <= end,
                                  Payroll.period_end >= start)
    if exclude_id is not None:
        query = query.where(Payroll.id != exclude_id)
    return db.session.execute(query.limit(1)).scalar()


def calculate_draft(start, end):
    """Calculate (or recalculate) the draft payroll of the period and store its lines.

    Refused while an approved payroll covers any day of the period: approved figures are
    frozen, and paying a lesson twice is not possible.
    """
    _bounds(start, end)
    approved = _approved_overlapping(start, end)
    if approved is not None:
        raise Conflict(_l("An approved payroll (%(start)s – %(end)s) covers this period; it "
                          "cannot be recalculated.", start=approved.period_start.isoformat(),
                          end=approved.period_end.isoformat()))
    payroll = db.session.execute(
        select(Payroll).where(Payroll.status == DRAFT, Payroll.period_start == start,
                              Payroll.period_end == end)
    ).scalars().first()
    if payroll is None:
        payroll = Payroll(period_start=start, period_end=end, status=DRAFT)
        db.session.add(payroll)
    lines, _unpaid = compute_lines(start, end)
    payroll.total = to_money(sum((line["amount"] for line in lines), Decimal(0)))
    payroll.calculated_at = datetime.now()
    db.session.flush()
    db.session.execute(delete(PayrollLine).where(PayrollLine.payroll_id == payroll.id))
    if lines:
        insert_rows(PayrollLine.__table__, [dict(line, payroll_id=payroll.id) for line in lines])
    db.session.commit()
    db.session.expire(payroll, ["lines"])
    return payroll


def get_payroll(payroll_id):
    payroll = db.session.get(Payroll, payroll_id)
    if payroll is None:
        raise NotFound(_l("No such payroll."))
    return payroll


def _fingerprint(lines):
    return sorted((line["employee_id"], line["lesson_id"] or 0, line["rule_id"] or 0,
                   line["date"], to_money(line["amount"])) for line in lines)


def approve_payroll(payroll_id, user_id):
    """Approve a draft: its stored lines become final and are never recalculated.

    Refused when the figures changed since the draft was calculated (a lesson marked or undone,
    a rate added): the accountant approves what was checked, so recalculate first.
    """
    payroll = get_payroll(payroll_id)
    if payroll.status != DRAFT:
        raise Conflict(_l("Only a draft payroll can be approved."))
    if _approved_overlapping(payroll.period_start, payroll.period_end, payroll.id) is not None:
        raise Conflict(_l("An approved payroll already covers part of this period."))
    fresh, _unpaid = compute_lines(payroll.period_start, payroll.period_end)
    stored = db.session.execute(
        select(PayrollLine.employee_id, PayrollLine.lesson_id, PayrollLine.rule_id,
               PayrollLine.date, PayrollLine.amount).where(PayrollLine.payroll_id == payroll.id)
    ).mappings().all()
    if _fingerprint(fresh) != _fingerprint(stored):
        raise Conflict(_l("The figures changed since this draft was calculated. Recalculate "
                          "the draft, check it, then approve."))
    payroll.status = APPROVED
    payroll.approved_by_fk = user_id
    payroll.approved_at = datetime.now()
    db.session.commit()
    return payroll


def reverse_payroll(payroll_id, user_id, reason):
    """Reverse an approved payroll (Admin only, checked by the caller's permission) with a
    reason; its lines stay as history and the period can be calculated again."""
    payroll = get_payroll(payroll_id)
    if payroll.status != APPROVED:
        raise Conflict(_l("Only an approved payroll can be reversed."))
    if not (reason or "").strip():
        raise DomainError(_l("Give the reason for the reversal."), field="reason")
    payroll.status = REVERSED
    payroll.reversed_by_fk = user_id
    payroll.reversed_at = datetime.now()
    payroll.reversal_reason = reason.strip()
    db.session.commit()
    return payroll


def payroll_lines(payroll_id, employee_ids=None):
    """The stored lines of a payroll (optionally of some employees), in one query."""
    query = select(PayrollLine).where(PayrollLine.payroll_id == payroll_id).order_by(
        PayrollLine.employee_name, PayrollLine.employee_id, PayrollLine.date, PayrollLine.id)
    if employee_ids is not None:
        query = query.where(PayrollLine.employee_id.in_(list(employee_ids)))
    return db.session.execute(query).scalars().all()


def payroll_employees(payroll_id):
    """``[(employee_id, name)]`` of the people a payroll pays (for the employee filter)."""
    return db.session.execute(
        select(PayrollLine.employee_id, PayrollLine.employee_name)
        .where(PayrollLine.payroll_id == payroll_id).distinct()
        .order_by(PayrollLine.employee_name, PayrollLine.employee_id)
    ).all()


def group_by_employee(lines):
    """Lines grouped per employee with subtotals: ``[{employee_id, name, lines, total}]``."""
    people = OrderedDict()
    for line in lines:
        entry = people.setdefault(line.employee_id, dict(
            employee_id=line.employee_id, name=line.employee_name, lines=[], total=Decimal(0)))
        entry["lines"].append(line)
        entry["total"] += line.amount
    return list(people.values())


def payslip_employee_ids(user_id, may_read_all):
    """Whose payslips a user may see: everyone's for payroll readers, else only the employee
    record linked to the user's own login (an instructor sees only its own)."""
    if may_read_all:
        return None
    return set(db.session.execute(
        select(Employee.id).where(Employee.user_id == user_id)).scalars())


def recent_payrolls(limit=24):
    return db.session.execute(
        select(Payroll).order_by(Payroll.period_start.desc(), Payroll.id.desc()).limit(limit)
    ).scalars().all()


def approved_payslips(employee_ids):
    """Approved payrolls with the total of each given employee: ``[(payroll, employee_id,
    name, total)]`` in one query (the payslip list)."""
    query = (
        select(Payroll, PayrollLine.employee_id, PayrollLine.employee_name,
               func.sum(PayrollLine.amount))
        .join(PayrollLine, PayrollLine.payroll_id == Payroll.id)
        .where(Payroll.status == APPROVED)
        .group_by(Payroll.id, PayrollLine.employee_id, PayrollLine.employee_name)
        .order_by(Payroll.period_start.desc(), PayrollLine.employee_name)
    )
    if employee_ids is not None:
        query = query.where(PayrollLine.employee_id.in_(list(employee_ids)))
    return [(row[0], row[1], row[2], to_money(row[3])) for row in db.session.execute(query)]


def services_delivered(employee_id, since=None):
    """Per month: lessons held by the employee, attendees and revenue (one aggregate query)."""
    year, month = extract("year", Lesson.starts_at), extract("month", Lesson.starts_at)
    query = (
        select(year, month, func.count(func.distinct(Lesson.id)),
               func.sum(case((Attendance.status.in_(ATTENDED), 1), else_=0)),
               func.sum(case((and_(SessionWriteOff.id.is_not(None),
                                   SessionWriteOff.cancelled.is_not(True)),
                              SessionWriteOff.value), else_=0)))
        .outerjoin(Attendance, Attendance.lesson_id == Lesson.id)
        .outerjoin(SessionWriteOff, SessionWriteOff.id == Attendance.write_off_id)
        .where(Lesson.instructor_id == employee_id, Lesson.status == LESSON_HELD)
        .group_by(year, month).order_by(year.desc(), month.desc())
    )
    if since is not None:
        query = query.where(Lesson.starts_at >= datetime.combine(since, time.min))
    return [dict(year=int(y), month=int(m), lessons=int(n), attendees=int(a or 0),
                 revenue=to_money(r)) for y, m, n, a, r in db.session.execute(query)]
