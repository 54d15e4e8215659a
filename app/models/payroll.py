"""Pay rules (dated rates per employee) and payrolls with their frozen lines.

A ``PayRule`` is one component of an employee's pay scheme, valid from a date (and optionally
until a date); several rules of different kinds make "a mix". A ``Payroll`` is calculated for a
period as a draft; approving it freezes its ``PayrollLine`` rows, which are never recomputed.
"""
from flask_appbuilder import Model
from sqlalchemy import (
    Column, Date, DateTime, ForeignKey, Index, Integer, Numeric, String, Text,
)
from sqlalchemy.orm import relationship

from app.models.base import AuditMixin

PER_LESSON = "per_lesson"
PER_ATTENDEE = "per_attendee"
REVENUE_PERCENT = "revenue_percent"
FIXED_MONTHLY = "fixed_monthly"
RULE_KINDS = (PER_LESSON, PER_ATTENDEE, REVENUE_PERCENT, FIXED_MONTHLY)

DRAFT = "draft"
APPROVED = "approved"
REVERSED = "reversed"
PAYROLL_STATUSES = (DRAFT, APPROVED, REVERSED)


class PayRule(AuditMixin, Model):
    """One dated rate of an employee's pay scheme.

    ``amount`` is the money per lesson / per attendee / per month; ``percent`` the share of
    revenue for ``revenue_percent``. ``min_attendees`` (lesson kinds only): a lesson with fewer
    attendees pays ``base_amount`` (nothing when empty) instead of the rate.
    """

    __tablename__ = "pay_rule"
    __table_args__ = (Index("ix_pay_rule_employee_valid", "employee_id", "valid_from"),)

    id = Column(Integer, primary_key=True)
    employee_id = Column(Integer, ForeignKey("employee.id", ondelete="CASCADE"), nullable=False)
    employee = relationship("Employee")
    kind = Column(String(20), nullable=False)
    amount = Column(Numeric(12, 2))
    percent = Column(Numeric(5, 2))
    min_attendees = Column(Integer)
    base_amount = Column(Numeric(12, 2))
    valid_from = Column(Date, nullable=False)
    valid_to = Column(Date)
    note = Column(String(200))

    @property
    def rate(self):
        """The figure shown as the rule's rate: the percent for revenue share, else the amount."""
        return self.percent if self.kind == REVENUE_PERCENT else self.amount

    def __repr__(self):
        return f"{self.kind} {self.rate} from {self.valid_from}"


class Payroll(AuditMixin, Model):
    """A payroll for a period: a recalculable draft, then approved (frozen) or reversed."""

    __tablename__ = "payroll"
    __table_args__ = (Index("ix_payroll_period", "period_start", "period_end"),)

    id = Column(Integer, primary_key=True)
    period_start = Column(Date, nullable=False)
    period_end = Column(Date, nullable=False)
    status = Column(String(10), nullable=False, default=DRAFT, index=True)
    total = Column(Numeric(12, 2), nullable=False, default=0)
    calculated_at = Column(DateTime)
    approved_by_fk = Column(Integer, ForeignKey("ab_user.id"))
    approved_by = relationship("User", foreign_keys=[approved_by_fk])
    approved_at = Column(DateTime)
    reversed_by_fk = Column(Integer, ForeignKey("ab_user.id"))
    reversed_by = relationship("User", foreign_keys=[reversed_by_fk])
    reversed_at = Column(DateTime)
    reversal_reason = Column(Text)
    lines = relationship(
        "PayrollLine", back_populates="payroll", cascade="all, delete-orphan",
        order_by="(PayrollLine.employee_name, PayrollLine.date, PayrollLine.id)",
    )

    def __repr__(self):
        return f"{self.period_start}–{self.period_end} ({self.status})"


class PayrollLine(Model):
    """One paid item: a held lesson under one rule, or a (prorated) fixed monthly amount.

    Everything shown is stored (names, counts, rate), so an approved payroll reads the same
    whatever happens later to lessons, groups, rules or employees.
    """

    __tablename__ = "payroll_line"
    __table_args__ = (Index("ix_payroll_line_payroll_employee", "payroll_id", "employee_id"),)

    id = Column(Integer, primary_key=True)
    payroll_id = Column(Integer, ForeignKey("payroll.id", ondelete="CASCADE"), nullable=False)
    payroll = relationship("Payroll", back_populates="lines")
    employee_id = Column(Integer, ForeignKey("employee.id"), nullable=False, index=True)
    employee_name = Column(String(200), nullable=False)
    lesson_id = Column(Integer, ForeignKey("lesson.id", ondelete="SET NULL"), index=True)
    rule_id = Column(Integer, ForeignKey("pay_rule.id", ondelete="SET NULL"), index=True)
    date = Column(Date, nullable=False)
    group_name = Column(String(200))
    attendees = Column(Integer)  # a lesson's attendees; for a fixed monthly line, days paid
    revenue = Column(Numeric(12, 2))
    rule_kind = Column(String(20), nullable=False)
    rate = Column(Numeric(12, 2))
    amount = Column(Numeric(12, 2), nullable=False)


def _labels():
    from flask_babel import lazy_gettext as _l

    kinds = {
        PER_LESSON: _l("Per lesson"),
        PER_ATTENDEE: _l("Per attendee"),
        REVENUE_PERCENT: _l("Percent of revenue"),
        FIXED_MONTHLY: _l("Fixed monthly"),
    }
    statuses = {DRAFT: _l("Draft"), APPROVED: _l("Approved"), REVERSED: _l("Reversed")}
    return kinds, statuses


RULE_KIND_LABELS, PAYROLL_STATUS_LABELS = _labels()
