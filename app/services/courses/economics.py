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
Besides the typed cost lines, two costs are derived (fixed costs of their side):
- the instructor's pay: each session (a lesson of the course not cancelled) priced by the staff
  domain's pay rules valid on its day (``staff.pay_for_lessons``), with attendees = the planned
  participants (planned) or those marked present at the session (actual), and the session's
  revenue = the side's revenue ÷ the number of sessions;
- materials issued from stock to the course (actual only): quantity × cost when issued.
``Economics.sources`` lists every cost with where it came from ("typed", "payroll", "stock").
All money is Decimal rounded to cents; a constant number of queries for any number of courses.
"""
import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models.courses import (BASIS_FIXED, BASIS_PER_PARTICIPANT, COST_ACTUAL, COST_BASES,
                                COST_KINDS, COST_PLANNED, Course, CourseAttendance, CourseCost,
                                CourseMaterial, CourseParticipant)
from app.models.timetable import LESSON_CANCELLED, Lesson
from app.services import staff, stock
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
class CostSource:
    """One cost of a course and where it came from."""
    kind: str  # planned / actual
    source: str  # typed / payroll / stock
    name: str
    basis: str
    amount: Decimal


@dataclass
class Economics:
    course_id: int
    price: Decimal
    planned: Side
    actual: Side
    sources: list = None

    def as_dict(self):
        return {"course_id": self.course_id, "price_per_participant": str(self.price),
                "planned": self.planned.as_dict(self.price),
                "actual": self.actual.as_dict(self.price),
                "costs": [{"kind": c.kind, "source": c.source, "name": c.name,
                           "basis": c.basis, "amount": str(c.amount)}
                          for c in self.sources or []]}


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


def _derived_costs(courses, planned_revenue, actual_revenue, planned_counts):
    """``{course id: {(kind, source, name): amount}}``: the instructor's pay per the pay rules
    and the materials from stock (see the module's rules); four queries for all courses."""
    result = {course.id: {} for course in courses}
    by_group = {course.group_id: course for course in courses if course.group_id}
    if by_group:
        sessions = db.session.execute(
            select(Lesson.id, Lesson.group_id, Lesson.instructor_id, Lesson.starts_at)
            .where(Lesson.group_id.in_(list(by_group)), Lesson.status != LESSON_CANCELLED)).all()
        present = dict(db.session.execute(
            select(CourseAttendance.lesson_id, func.count(CourseAttendance.id))
            .where(CourseAttendance.lesson_id.in_([row.id for row in sessions] or [-1]),
                   CourseAttendance.present.is_(True))
            .group_by(CourseAttendance.lesson_id)).all())
        per_course = {}
        for row in sessions:
            per_course.setdefault(by_group[row.group_id].id, []).append(row)
        for kind in (COST_PLANNED, COST_ACTUAL):
            items = []
            for course_id, rows in per_course.items():
                revenue = (planned_revenue if kind == COST_PLANNED else actual_revenue)[course_id]
                for row in rows:
                    attendees = (planned_counts[course_id] if kind == COST_PLANNED
                                 else present.get(row.id, 0))
                    items.append((row.id, row.instructor_id, row.starts_at.date(), attendees,
                                  revenue / len(rows)))
            pay = staff.pay_for_lessons(items)
            owner = {row.id: by_group[row.group_id].id for row in sessions}
            for lesson_id, amount in pay.items():
                costs = result[owner[lesson_id]]
                key = (kind, "payroll")
                costs[key] = costs.get(key, ZERO) + amount
    for course_id, total in db.session.execute(
            select(CourseMaterial.course_id,
                   func.sum(CourseMaterial.quantity * CourseMaterial.unit_cost))
            .where(CourseMaterial.course_id.in_([c.id for c in courses]))
            .group_by(CourseMaterial.course_id)).all():
        result[course_id][(COST_ACTUAL, "stock")] = _money(total)
    return {cid: {key: _money(value) for key, value in costs.items()}
            for cid, costs in result.items()}


DERIVED_NAMES = {"payroll": _l("Instructor's pay (pay rules)"),
                 "stock": _l("Materials issued from stock")}


def economics_of(courses):
    """``{course id: Economics}`` for many courses in a constant number of queries."""
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
    planned_counts = {c.id: c.planned_participants or c.min_participants or 0 for c in courses}
    planned_revenue = {c.id: _money(_money(c.price_per_participant) * planned_counts[c.id])
                       for c in courses}
    actual_revenue = {c.id: _money(actuals.get(c.id, (0, 0))[1]) for c in courses}
    derived = _derived_costs(courses, planned_revenue, actual_revenue, planned_counts)
    result = {}
    for course in courses:
        price = _money(course.price_per_participant)
        count, _revenue = actuals.get(course.id, (0, 0))
        extra = derived[course.id]
        planned = Side(planned_counts[course.id], planned_revenue[course.id],
                       sums.get((course.id, COST_PLANNED, BASIS_FIXED), ZERO)
                       + extra.get((COST_PLANNED, "payroll"), ZERO),
                       sums.get((course.id, COST_PLANNED, BASIS_PER_PARTICIPANT), ZERO))
        actual = Side(count or 0, actual_revenue[course.id],
                      sums.get((course.id, COST_ACTUAL, BASIS_FIXED), ZERO)
                      + extra.get((COST_ACTUAL, "payroll"), ZERO)
                      + extra.get((COST_ACTUAL, "stock"), ZERO),
                      sums.get((course.id, COST_ACTUAL, BASIS_PER_PARTICIPANT), ZERO))
        sources = [CostSource(kind, source, str(DERIVED_NAMES[source]), BASIS_FIXED, amount)
                   for (kind, source), amount in sorted(extra.items())]
        result[course.id] = Economics(course.id, price, planned, actual, sources)
    return result


def course_economics_with_lines(course_id):
    """A course's economics with every cost line, typed ones included, in ``sources``."""
    course = get_course(course_id)
    figures = economics_of([course])[course.id]
    typed = [CostSource(cost.kind, "typed", cost.name, cost.basis, _money(cost.amount))
             for cost in course.costs]
    figures.sources = typed + (figures.sources or [])
    return figures


def issue_materials(course_id, product_id, quantity):
    """Materials taken from stock for a course: the stock goes down (never below zero, the
    stock domain's rule) and the course bears quantity × the product's cost as an actual
    cost."""
    course = get_course(course_id)
    movement = stock.issue_for_use(product_id, quantity,
                                   note=str(_l("Course: %(title)s", title=course.title))[:250])
    material = CourseMaterial(course_id=course.id, movement_id=movement.id,
                              product_id=product_id, quantity=-movement.quantity,
                              unit_cost=_money(movement.unit_price))
    db.session.add(material)
    db.session.flush()
    return material


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
