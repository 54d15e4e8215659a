"""Sales plans: per month, participants and revenue, for one course, one direction or all
courses, for one manager or the whole company; and their fulfilment.

Rules:
- a plan's month is its first day; participants and revenue are not negative; a plan is for a
  course or a direction or neither (a course's plan counts that course only);
- one plan per month, manager, course and direction: saving it again replaces the figures;
- a manager plans and sees only their own plans; a user who may see all (Admin) sees every
  plan and may plan for anyone or for the company (no manager);
- actual = the participants registered on courses starting in the month (the course, or the
  direction's courses) and the sum of their prices; for a manager's plan only the participants
  that manager registered; fulfilment % = actual ÷ plan × 100 (None for a zero plan).
All actual figures come from one grouped query whatever the number of plans.
"""
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models.courses import Course, CourseDirection, CourseParticipant, SalesPlan
from app.services.platform import DomainError, Forbidden, NotFound

CENT = Decimal("0.01")


def month_start(day):
    return date(day.year, day.month, 1)


def next_month(day):
    return date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def save_plan(month, participants, revenue, manager_id=None, course_id=None, direction_id=None,
              user_id=None, see_all=False):
    """Create or replace a plan (see the module's rules); ``user_id`` is who saves it."""
    if not see_all and manager_id != user_id:
        raise Forbidden(_l("You can only plan your own sales."))
    if month is None:
        raise DomainError(_l("Choose the month."), field="month")
    try:
        participants = int(participants or 0)
    except (TypeError, ValueError, ArithmeticError):
        raise DomainError(_l("Please enter numbers."), field="participants") from None
    try:
        revenue = Decimal(str(revenue or 0).replace(",", "."))
        if not revenue.is_finite():
            raise ValueError
        revenue = revenue.quantize(CENT, rounding=ROUND_HALF_UP)
    except (TypeError, ValueError, ArithmeticError):
        raise DomainError(_l("Please enter numbers."), field="revenue") from None
    if participants < 0 or participants > 100000:
        raise DomainError(_l("A plan cannot be negative."), field="participants")
    if revenue < 0 or revenue >= Decimal("10000000000"):
        raise DomainError(_l("A plan cannot be negative."), field="revenue")
    if course_id is not None and direction_id is not None:
        raise DomainError(_l("Plan for a course or for a direction, not both."),
                          field="direction")
    if course_id is not None and db.session.get(Course, course_id) is None:
        raise NotFound(_l("No such course."), field="course")
    if direction_id is not None and db.session.get(CourseDirection, direction_id) is None:
        raise NotFound(_l("No such direction."), field="direction")
    month = month_start(month)
    plan = db.session.execute(select(SalesPlan).where(
        SalesPlan.month == month, _eq(SalesPlan.manager_id, manager_id),
        _eq(SalesPlan.course_id, course_id), _eq(SalesPlan.direction_id, direction_id))
    ).scalar_one_or_none()
    if plan is None:
        plan = SalesPlan(month=month, manager_id=manager_id, course_id=course_id,
                         direction_id=direction_id)
        db.session.add(plan)
    plan.participants, plan.revenue = participants, revenue
    db.session.flush()
    return plan


def _eq(column, value):
    return column.is_(None) if value is None else column == value


@dataclass
class Fulfilment:
    plan: SalesPlan
    participants: int
    revenue: Decimal

    @staticmethod
    def _percent(actual, planned):
        if not planned:
            return None
        return (Decimal(actual) * 100 / Decimal(planned)).quantize(Decimal("0.1"),
                                                                   rounding=ROUND_HALF_UP)

    @property
    def participants_percent(self):
        return self._percent(self.participants, self.plan.participants)

    @property
    def revenue_percent(self):
        return self._percent(self.revenue, self.plan.revenue)


def plans_with_actuals(month, user_id=None, see_all=False):
    """The month's plans a user may see (see the module's rules), each with its actual
    figures: ``[Fulfilment]``, company plans first, then by manager, course and direction.
    Two queries."""
    month = month_start(month)
    query = (select(SalesPlan).where(SalesPlan.month == month)
             .options(joinedload(SalesPlan.manager), joinedload(SalesPlan.course),
                      joinedload(SalesPlan.direction)))
    if not see_all:
        query = query.where(SalesPlan.manager_id == user_id)
    plans = list(db.session.execute(query).scalars())
    sold = db.session.execute(
        select(CourseParticipant.created_by_fk, Course.id, Course.direction_id,
               func.count(CourseParticipant.id), func.sum(CourseParticipant.price))
        .join(Course, Course.id == CourseParticipant.course_id)
        .where(Course.starts_on >= month, Course.starts_on < next_month(month),
               Course.cancelled.is_(False))
        .group_by(CourseParticipant.created_by_fk, Course.id, Course.direction_id)).all()
    rows = []
    for plan in plans:
        count, revenue = 0, Decimal("0")
        for seller, course_id, direction_id, n, total in sold:
            if plan.manager_id is not None and seller != plan.manager_id:
                continue
            if plan.course_id is not None and course_id != plan.course_id:
                continue
            if plan.direction_id is not None and direction_id != plan.direction_id:
                continue
            count += n
            revenue += Decimal(total or 0)
        rows.append(Fulfilment(plan, count, revenue.quantize(CENT)))
    return sorted(rows, key=lambda f: (f.plan.manager_id is not None,
                                       str(f.plan.manager or ""), f.plan.course_id or 0,
                                       f.plan.direction_id or 0))
