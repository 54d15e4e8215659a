"""Pay rules: what a rule must hold, which rule pays on a date, and what it pays.

Rules of different kinds combine ("a mix"): a lesson may earn a per-lesson fee *and* a share of
its revenue. Between rules of the same kind, the one with the latest ``valid_from`` that covers
the date applies, so adding a new rate from a date supersedes the old one from that date on
without touching the old rule, and an approved payroll is never rewritten (its lines are stored).
"""
import calendar
from datetime import timedelta
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import inspect, select

from app.extensions import db
from app.models.payroll import (
    APPROVED, FIXED_MONTHLY, PER_ATTENDEE, PER_LESSON, REVENUE_PERCENT, RULE_KINDS, Payroll,
    PayrollLine,
)
from app.services.money import to_money
from app.services.platform import Conflict, DomainError

LESSON_KINDS = (PER_LESSON, PER_ATTENDEE, REVENUE_PERCENT)
_RATE_FIELDS = ("employee_id", "kind", "amount", "percent", "min_attendees", "base_amount",
                "valid_from")


def validate_pay_rule(rule):
    """A rule has a known kind, a non-negative amount (a 0–100 percent for revenue share),
    a threshold only on lesson kinds, and ends no earlier than it starts."""
    if rule.kind not in RULE_KINDS:
        raise DomainError(_l("Unknown kind of pay rule."), field="kind")
    if rule.valid_from is None:
        raise DomainError(_l("A pay rule needs the date it is valid from."), field="valid_from")
    if rule.valid_to is not None and rule.valid_to < rule.valid_from:
        raise DomainError(_l("A pay rule cannot end before it starts."), field="valid_to")
    if rule.kind == REVENUE_PERCENT:
        if rule.percent is None or not Decimal(0) <= Decimal(rule.percent) <= Decimal(100):
            raise DomainError(_l("A revenue share needs a percent between 0 and 100."),
                              field="percent")
    elif rule.amount is None or Decimal(rule.amount) < 0:
        raise DomainError(_l("This pay rule needs an amount of zero or more."), field="amount")
    if rule.min_attendees is not None:
        if rule.kind not in (PER_LESSON, PER_ATTENDEE):
            raise DomainError(_l("A minimum attendance applies only to per-lesson and "
                                 "per-attendee rules."), field="min_attendees")
        if rule.min_attendees < 1:
            raise DomainError(_l("The minimum attendance must be at least 1."),
                              field="min_attendees")
    if rule.base_amount is not None and Decimal(rule.base_amount) < 0:
        raise DomainError(_l("The base amount cannot be negative."), field="base_amount")


def _approved_use(rule_id):
    """The last date an approved payroll paid with this rule, or None."""
    with db.session.no_autoflush:
        return db.session.execute(
            select(db.func.max(PayrollLine.date))
            .join(Payroll, Payroll.id == PayrollLine.payroll_id)
            .where(PayrollLine.rule_id == rule_id, Payroll.status == APPROVED)
        ).scalar()


def check_rule_change(rule):
    """A rule an approved payroll paid with keeps its rate and start; a new rate is a new rule
    from a date. It may still be closed (``valid_to``) after the last approved use."""
    validate_pay_rule(rule)
    if rule.id is None:
        return
    state = inspect(rule)
    changed = [name for name in _RATE_FIELDS if state.attrs[name].history.has_changes()]
    if not changed and not state.attrs["valid_to"].history.has_changes():
        return
    last_used = _approved_use(rule.id)
    if last_used is None:
        return
    if changed:
        raise Conflict(_l("An approved payroll used this rate. Add a new rule valid from the "
                          "date of the change instead of editing this one."))
    if rule.valid_to is not None and rule.valid_to < last_used:
        raise Conflict(_l("An approved payroll used this rate until %(date)s; it cannot end "
                          "earlier.", date=last_used.isoformat()))


def check_rule_delete(rule):
    """A rule an approved payroll paid with is history and cannot be deleted."""
    if _approved_use(rule.id) is not None:
        raise Conflict(_l("An approved payroll used this rate; it cannot be deleted."))


class RuleBook:
    """The rules of a period, indexed for picking the one that applies on a date."""

    def __init__(self, rules):
        self._by_key = {}
        for rule in sorted(rules, key=lambda r: (r.valid_from, r.id), reverse=True):
            self._by_key.setdefault((rule.employee_id, rule.kind), []).append(rule)

    def rule_for(self, employee_id, kind, day):
        """The rule of this kind paying the employee on ``day``: latest ``valid_from`` wins."""
        for rule in self._by_key.get((employee_id, kind), ()):
            if rule.valid_from <= day and (rule.valid_to is None or rule.valid_to >= day):
                return rule
        return None

    def employees(self):
        return {employee_id for employee_id, _kind in self._by_key}


def lesson_amount(rule, attendees, revenue):
    """What one held lesson earns under one rule.

    per_lesson: the amount; per_attendee: the amount × attendees (present or late);
    revenue_percent: the percent of the lesson's revenue. Below ``min_attendees`` a lesson
    pays ``base_amount`` (nothing when none is set) instead.
    """
    if rule.min_attendees and attendees < rule.min_attendees:
        return to_money(rule.base_amount)
    if rule.kind == PER_LESSON:
        return to_money(rule.amount)
    if rule.kind == PER_ATTENDEE:
        return to_money(Decimal(rule.amount) * attendees)
    return to_money(Decimal(revenue) * Decimal(rule.percent) / 100)


def fixed_monthly_shares(book, employee_id, start, end, hire_date=None):
    """Fixed monthly pay for the period, prorated by calendar days.

    For each day of the period (from the hire date) the fixed rule valid that day earns
    amount / days-in-that-month; the days are summed per rule and month, so a whole month pays
    the amount exactly and a mid-month start, end or rate change pays its share.
    Returns ``[(rule, first_day, days, amount)]``.
    """
    shares = {}
    day = max(start, hire_date) if hire_date else start
    while day <= end:
        rule = book.rule_for(employee_id, FIXED_MONTHLY, day)
        if rule is not None:
            key = (rule.id, day.year, day.month)
            if key not in shares:
                shares[key] = [rule, day, 0]
            shares[key][2] += 1
        day += timedelta(days=1)
    result = []
    for rule, first_day, days in shares.values():
        month_days = calendar.monthrange(first_day.year, first_day.month)[1]
        amount = to_money(Decimal(rule.amount) * days / month_days)
        result.append((rule, first_day, days, amount))
    return sorted(result, key=lambda item: item[1])


def pay_for_lessons(sessions):
    """What each lesson earns its instructor under the pay rules valid on its day, every lesson
    kind of rule combined as the payroll pays it (``lesson_amount``): ``sessions`` is
    ``[(lesson id, employee id, day, attendees, revenue)]``; returns ``{lesson id: amount}``,
    without the lessons no rule pays. One query."""
    from app.models.payroll import PayRule
    from sqlalchemy import or_

    sessions = [s for s in sessions if s[1] is not None]
    if not sessions:
        return {}
    first, last = min(s[2] for s in sessions), max(s[2] for s in sessions)
    rules = db.session.execute(select(PayRule).where(
        PayRule.employee_id.in_({s[1] for s in sessions}), PayRule.valid_from <= last,
        or_(PayRule.valid_to.is_(None), PayRule.valid_to >= first))).scalars()
    book = RuleBook(list(rules))
    result = {}
    for lesson_id, employee_id, day, attendees, revenue in sessions:
        for kind in LESSON_KINDS:
            rule = book.rule_for(employee_id, kind, day)
            if rule is not None:
                result[lesson_id] = result.get(lesson_id, Decimal("0.00")) + lesson_amount(
                    rule, attendees, revenue)
    return result
