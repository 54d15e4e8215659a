"""Economics of a course: planned and actual side by side.

For each side (planned, actual):
- participants: planned = the course's planned number (its minimum when not set); actual = the
  people registered;
- revenue: planned = planned participants × price per participant; actual = the sum of the
  participants' prices (free participants bring nothing);
- cost = the side's fixed lines + its per-participant lines × participants;
- cost price = cost ÷ participants; profit = revenue − cost; margin % = profit ÷ revenue × 100;
- break-even participants = fixed cost ÷ (revenue per participant − per-participant cost),
  rounded up (None when a participant brings no more than it costs).
All money is Decimal rounded to cents; two queries per course.
"""
import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models.courses import (BASIS_FIXED, BASIS_PER_PARTICIPANT, COST_ACTUAL, COST_BASES,
                                COST_KINDS, COST_PLANNED, Course, CourseCost,
                                CourseParticipant)
from app.services.courses.catalogue import get_course
from app.services.platform import DomainError

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def _money(value):
    return Decimal(value or 0).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass
class Side:
    participants: int
    revenue: Decimal
    fixed_cost: Decimal
    per_participant_cost: Decimal

    @property
    def cost(self):
        return _money(self.fixed_cost + self.per_participant_cost * self.participants)

    @property
    def cost_price(self):
        return _money(self.cost / self.participants) if self.participants else None

    @property
    def profit(self):
        return _money(self.revenue - self.cost)

    @property
    def margin_percent(self):
        return _money(self.profit * 100 / self.revenue) if self.revenue else None

    @property
    def revenue_per_participant(self):
        return self.revenue / self.participants if self.participants else None

    def break_even(self, fallback_price):
        price = self.revenue_per_participant or Decimal(fallback_price or 0)
        unit_margin = price - self.per_participant_cost
        if unit_margin <= 0:
            return None
        return math.ceil(self.fixed_cost / unit_margin) if self.fixed_cost > 0 else 0

    def as_dict(self, fallback_price):
        def text(value):
            return None if value is None else str(value)

        return {"participants": self.participants, "revenue": text(self.revenue),
                "fixed_cost": text(self.fixed_cost),
                "per_participant_cost": text(self.per_participant_cost),
                "cost": text(self.cost), "cost_price": text(self.cost_price),
                "profit": text(self.profit), "margin_percent": text(self.margin_percent),
                "break_even_participants": self.break_even(fallback_price)}


@dataclass
class Economics:
    course_id: int
    price: Decimal
    planned: Side
    actual: Side

    def as_dict(self):
        return {"course_id": self.course_id, "price_per_participant": str(self.price),
                "planned": self.planned.as_dict(self.price),
                "actual": self.actual.as_dict(self.price)}


def validate_cost(cost):
    """A cost line is planned or actual, fixed or per participant, named and not negative."""
    if cost.kind not in COST_KINDS:
        raise DomainError(_l("A cost is planned or actual."), field="kind")
    if cost.basis not in COST_BASES:
        raise DomainError(_l("A cost is fixed or per participant."), field="basis")
    if not (cost.name or "").strip():
        raise DomainError(_l("Name the cost."), field="name")
    if cost.amount is None or cost.amount < 0:
        raise DomainError(_l("A cost cannot be negative."), field="amount")


def add_cost(course_id, name, amount, kind=COST_PLANNED, basis=BASIS_FIXED):
    get_course(course_id)
    cost = CourseCost(course_id=course_id, name=name, amount=amount, kind=kind, basis=basis)
    validate_cost(cost)
    db.session.add(cost)
    db.session.flush()
    return cost


def course_economics(course_id):
    """Planned and actual figures of a course (see the module's rules)."""
    course = get_course(course_id)
    return economics_of([course])[course.id]


def economics_of(courses):
    """``{course id: Economics}`` for many courses in two grouped queries."""
    ids = [course.id for course in courses]
    if not ids:
        return {}
    sums = {(cid, kind, basis): _money(total) for cid, kind, basis, total in db.session.execute(
        select(CourseCost.course_id, CourseCost.kind, CourseCost.basis, func.sum(CourseCost.amount))
        .where(CourseCost.course_id.in_(ids))
        .group_by(CourseCost.course_id, CourseCost.kind, CourseCost.basis))}
    actuals = {cid: (count, revenue) for cid, count, revenue in db.session.execute(
        select(CourseParticipant.course_id, func.count(CourseParticipant.id),
               func.sum(CourseParticipant.price))
        .where(CourseParticipant.course_id.in_(ids))
        .group_by(CourseParticipant.course_id))}
    result = {}
    for course in courses:
        price = _money(course.price_per_participant)
        planned_count = course.planned_participants or course.min_participants or 0
        count, revenue = actuals.get(course.id, (0, 0))
        planned = Side(planned_count, _money(price * planned_count),
                       sums.get((course.id, COST_PLANNED, BASIS_FIXED), ZERO),
                       sums.get((course.id, COST_PLANNED, BASIS_PER_PARTICIPANT), ZERO))
        actual = Side(count or 0, _money(revenue),
                      sums.get((course.id, COST_ACTUAL, BASIS_FIXED), ZERO),
                      sums.get((course.id, COST_ACTUAL, BASIS_PER_PARTICIPANT), ZERO))
        result[course.id] = Economics(course.id, price, planned, actual)
    return result


def economics_comparison(date_from=None, date_to=None):
    """Every course not cancelled (starting within the dates when given) with its economics,
    and the totals per direction: ``(rows, by_direction)`` where a row is ``(course,
    Economics)`` and ``by_direction`` maps the direction (or None) to summed planned and actual
    revenue, cost and profit. Three queries whatever the number of courses."""
    query = (select(Course).where(Course.cancelled.is_(False))
             .options(joinedload(Course.direction)).order_by(Course.starts_on, Course.id))
    if date_from is not None:
        query = query.where(Course.starts_on >= date_from)
    if date_to is not None:
        query = query.where(Course.starts_on <= date_to)
    courses = list(db.session.execute(query).scalars())
    figures = economics_of(courses)
    by_direction = {}
    for course in courses:
        totals = by_direction.setdefault(course.direction, {
            side: {"revenue": ZERO, "cost": ZERO, "profit": ZERO}
            for side in ("planned", "actual")})
        for side in ("planned", "actual"):
            values = getattr(figures[course.id], side)
            for name in ("revenue", "cost", "profit"):
                totals[side][name] += getattr(values, name)
    return [(course, figures[course.id]) for course in courses], by_direction
