"""The cash desk: a shift per cashier, opened with a float and closed with the cash counted.

A payment belongs to the shift of whoever took it, by time: taken by the shift's cashier
between its opening and its closing. So nothing about payments changes when shifts are used.
"""
from sqlalchemy import Column, DateTime, ForeignKey, Index, Integer, Numeric, Text, text
from sqlalchemy.orm import relationship
from flask_appbuilder import Model

from app.models.base import AuditMixin, _now

MONEY = Numeric(12, 2)


class CashShift(AuditMixin, Model):
    __tablename__ = "cash_shift"
    __table_args__ = (
        # one open shift per cashier, whatever the concurrency
        Index("ux_cash_shift_open", "cashier_fk", unique=True,
              sqlite_where=text("closed_at IS NULL"), postgresql_where=text("closed_at IS NULL")),
    )

    id = Column(Integer, primary_key=True)
    cashier_fk = Column(Integer, ForeignKey("ab_user.id"), nullable=False, index=True)
    cashier = relationship("User", foreign_keys=[cashier_fk])
    opened_at = Column(DateTime, nullable=False, default=_now, index=True)
    opening_float = Column(MONEY, nullable=False)
    closed_at = Column(DateTime)
    counted_cash = Column(MONEY)
    expected_cash = Column(MONEY)
    difference = Column(MONEY)
    note = Column(Text)

    @property
    def is_open(self):
        return self.closed_at is None
