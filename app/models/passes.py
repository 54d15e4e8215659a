"""Services, pass plans, passes sold to clients, and the money around them.

Money columns are ``Numeric(12, 2)`` and ``Decimal`` in Python. A client's balance is
``sum(charges) - sum(payments)``: a positive balance is a debt. A refund is a negative payment
(money returned) plus a negative charge (the unused part of the pass credited back).
"""
from datetime import date

from flask_appbuilder import Model
from sqlalchemy import event, select
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Table,
    Text,
)
from sqlalchemy.orm import relationship

from app.models.base import AuditMixin, _now

MONEY = Numeric(12, 2)

TIME_WINDOWS = ("any", "morning", "day", "evening")
PASS_STATUSES = ("active", "frozen", "expired", "used_up", "refunded")
# Statuses in which a pass may still be used (a freeze is checked by date, not by status).
LIVE_STATUSES = ("active", "frozen")
PAYMENT_METHODS = ("cash", "card", "transfer", "bonus", "certificate")
PAYMENT_PURPOSES = ("pass", "sale", "course", "invoice", "certificate", "visit", "deposit")
CHARGE_KINDS = ("pass", "visit", "sale", "course", "invoice", "certificate", "refund")
BONUS_KINDS = ("accrual", "spend", "reversal", "adjustment")


pass_plan_service = Table(
    "pass_plan_service",
    Model.metadata,
    Column("pass_plan_id", Integer, ForeignKey("pass_plan.id", ondelete="CASCADE"),
           primary_key=True),
    Column("service_id", Integer, ForeignKey("service.id", ondelete="CASCADE"),
           primary_key=True, index=True),
)


# The services a sold pass covers: copied from its plan at sale, never changed by plan edits.
pass_service = Table(
    "pass_service",
    Model.metadata,
    Column("pass_id", Integer, ForeignKey("client_pass.id", ondelete="CASCADE"),
           primary_key=True),
    Column("service_id", Integer, ForeignKey("service.id"), primary_key=True, index=True),
)


class Service(AuditMixin, Model):
    """An activity type: gym, pool, yoga, dance for kids, English course…"""

    __tablename__ = "service"

    id = Column(Integer, primary_key=True)
    name = Column(String(150), nullable=False, unique=True)
    single_visit_price = Column(MONEY, nullable=False, default=0)
    min_age = Column(Integer)
    max_age = Column(Integer)
    active = Column(Boolean, nullable=False, default=True)
    # the scale its learning results are marked on (rules: app/services/timetable/scales.py):
    # "text" (free), "range" (mark_min..mark_max by mark_step) or "labels" (mark_labels, one
    # per line, lowest first)
    mark_scale = Column(String(10), nullable=False, default="text", server_default="text")
    mark_min = Column(Numeric(8, 2))
    mark_max = Column(Numeric(8, 2))
    mark_step = Column(Numeric(8, 2))
    mark_labels = Column(Text)

    def __repr__(self):
        return self.name


class PassPlan(AuditMixin, Model):
    """The template a pass is sold from: services covered, sessions, validity, price, limits."""

    __tablename__ = "pass_plan"
    __table_args__ = (
        CheckConstraint("sessions IS NULL OR sessions > 0", name="ck_pass_plan_sessions"),
        CheckConstraint("validity_days > 0", name="ck_pass_plan_validity"),
        CheckConstraint("price >= 0", name="ck_pass_plan_price"),
    )

    id = Column(Integer, primary_key=True)
    name = Column(String(150), nullable=False, unique=True)
    services = relationship("Service", secondary=pass_plan_service, order_by="Service.name")
    sessions = Column(Integer)  # NULL = unlimited
    validity_days = Column(Integer, nullable=False, default=30)
    time_window = Column(String(10), nullable=False, default="any")
    price = Column(MONEY, nullable=False, default=0)
    freezes_allowed = Column(Integer, nullable=False, default=0)
    freeze_days_allowed = Column(Integer, nullable=False, default=0)
    low_balance_threshold = Column(Integer, nullable=False, default=2)
    active = Column(Boolean, nullable=False, default=True)

    @property
    def unlimited(self):
        return self.sessions is None

    def __repr__(self):
        return self.name


class Pass(AuditMixin, Model):
    """A pass sold to a client. ``price_paid`` is the agreed price after discount (the charge);
    what was actually paid is the sum of the payments that name the pass.

    The terms it was sold with are its own: services covered (``services``), sessions
    (``sessions_total``), validity, time window, freeze limits and price are copied from the
    plan at sale, so editing or retiring the plan never changes what a sold pass covers. A pass
    inserted without them (a test or an import building the row by hand) gets its plan's
    current terms at insert — which is the moment of its sale."""

    __tablename__ = "client_pass"
    __table_args__ = (
        CheckConstraint("sessions_used >= 0", name="ck_client_pass_used_nonneg"),
        CheckConstraint("sessions_total IS NULL OR sessions_used <= sessions_total",
                        name="ck_client_pass_used_le_total"),
        Index("ix_client_pass_client_status", "client_id", "status"),
        Index("ix_client_pass_status_end", "status", "end_date"),
    )

    id = Column(Integer, primary_key=True)
    client_id = Column(Integer, ForeignKey("client.id"), nullable=False)
    client = relationship("Client")
    plan_id = Column(Integer, ForeignKey("pass_plan.id"), nullable=False, index=True)
    plan = relationship("PassPlan")
    start_date = Column(Date, nullable=False)
    end_date = Column(Date, nullable=False)
    sessions_total = Column(Integer)  # NULL = unlimited
    sessions_used = Column(Integer, nullable=False, default=0)
    list_price = Column(MONEY, nullable=False, default=0)
    discount_percent = Column(Numeric(5, 2), nullable=False, default=0)
    price_paid = Column(MONEY, nullable=False, default=0)
    validity_days = Column(Integer, nullable=False)
    time_window = Column(String(10), nullable=False)
    freezes_allowed = Column(Integer, nullable=False)
    freeze_days_allowed = Column(Integer, nullable=False)
    services = relationship("Service", secondary=pass_service, order_by="Service.name")
    status = Column(String(10), nullable=False, default="active")
    refunded_on = Column(Date)
    refund_reason = Column(Text)

    freezes = relationship("PassFreeze", back_populates="pass_", order_by="PassFreeze.start_date",
                           cascade="all, delete-orphan")
    extensions = relationship("PassExtension", back_populates="pass_",
                              order_by="PassExtension.id", cascade="all, delete-orphan")

    @property
    def sessions_left(self):
        """Sessions still to use, or None for an unlimited pass."""
        if self.sessions_total is None:
            return None
        return max(self.sessions_total - (self.sessions_used or 0), 0)

    def effective_status(self, on=None):
        """The status on a date: refunded and used up stick; past the end date it is expired;
        inside a freeze it is frozen."""
        on = on or date.today()
        if self.status in ("refunded", "used_up"):
            return self.status
        if self.sessions_total is not None and (self.sessions_used or 0) >= self.sessions_total:
            return "used_up"
        if self.end_date < on:
            return "expired"
        if any(f.start_date <= on <= f.end_date for f in self.freezes):
            return "frozen"
        return "active"

    def __repr__(self):
        return f"{self.plan.name if self.plan else ''} #{self.id}"


PLAN_TERMS = ("validity_days", "time_window", "freezes_allowed", "freeze_days_allowed")


@event.listens_for(Pass, "before_insert")
def _copy_plan_terms(mapper, connection, target):
    """A pass inserted without its terms takes the plan's current ones (see ``Pass``)."""
    if any(getattr(target, name) is None for name in PLAN_TERMS):
        plan = PassPlan.__table__
        row = connection.execute(select(*[plan.c[name] for name in PLAN_TERMS])
                                 .where(plan.c.id == target.plan_id)).one()
        for name in PLAN_TERMS:
            if getattr(target, name) is None:
                setattr(target, name, getattr(row, name))
    target._copy_plan_services = "services" not in target.__dict__


@event.listens_for(Pass, "after_insert")
def _copy_plan_services(mapper, connection, target):
    if getattr(target, "_copy_plan_services", False):
        connection.execute(pass_service.insert().from_select(
            ["pass_id", "service_id"],
            select(target.id, pass_plan_service.c.service_id)
            .where(pass_plan_service.c.pass_plan_id == target.plan_id)))


class PassFreeze(AuditMixin, Model):
    """A pause of a pass from ``start_date`` to ``end_date`` inclusive; the pass end moves by
    ``days``. Unfreezing early shortens it (and moves the end date back)."""

    __tablename__ = "pass_freeze"

    id = Column(Integer, primary_key=True)
    pass_id = Column(Integer, ForeignKey("client_pass.id", ondelete="CASCADE"), nullable=False,
                     index=True)
    pass_ = relationship("Pass", back_populates="freezes")
    start_date = Column(Date, nullable=False)
    end_date = Column(Date, nullable=False)
    days = Column(Integer, nullable=False)


class PassExtension(AuditMixin, Model):
    """A hand-made extension of a pass by some days, with a reason and who granted it."""

    __tablename__ = "pass_extension"

    id = Column(Integer, primary_key=True)
    pass_id = Column(Integer, ForeignKey("client_pass.id", ondelete="CASCADE"), nullable=False,
                     index=True)
    pass_ = relationship("Pass", back_populates="extensions")
    days = Column(Integer, nullable=False)
    reason = Column(Text, nullable=False)
    granted_by_fk = Column(Integer, ForeignKey("ab_user.id"))
    granted_by = relationship("User", foreign_keys=[granted_by_fk])


class Payment(AuditMixin, Model):
    """Money received from a client (negative amount = money returned, with a reason)."""

    __tablename__ = "payment"
    __table_args__ = (Index("ix_payment_client_paid_at", "client_id", "paid_at"),)

    id = Column(Integer, primary_key=True)
    client_id = Column(Integer, ForeignKey("client.id"), nullable=False)
    client = relationship("Client")
    amount = Column(MONEY, nullable=False)
    method = Column(String(12), nullable=False, default="cash")
    purpose = Column(String(12), nullable=False, default="pass")
    pass_id = Column(Integer, ForeignKey("client_pass.id"), index=True)
    pass_ = relationship("Pass")
    certificate_id = Column(Integer, ForeignKey("gift_certificate.id"), index=True)
    taken_by_fk = Column(Integer, ForeignKey("ab_user.id"), index=True)
    taken_by = relationship("User", foreign_keys=[taken_by_fk])
    paid_at = Column(DateTime, nullable=False, default=_now, index=True)
    reason = Column(Text)
    # the cashier's shift open when it was taken (required when PAYMENTS_REQUIRE_OPEN_SHIFT)
    cash_shift_id = Column(Integer, ForeignKey("cash_shift.id"), index=True)


class Charge(AuditMixin, Model):
    """What a client owes for: a pass sold, a visit without a pass, a sale… A negative charge
    credits back (the unused part of a refunded pass). Cancelled charges do not count."""

    __tablename__ = "charge"
    __table_args__ = (Index("ix_charge_client_date", "client_id", "charged_on"),)

    id = Column(Integer, primary_key=True)
    client_id = Column(Integer, ForeignKey("client.id"), nullable=False)
    client = relationship("Client")
    amount = Column(MONEY, nullable=False)
    kind = Column(String(12), nullable=False, default="pass")
    pass_id = Column(Integer, ForeignKey("client_pass.id"), index=True)
    pass_ = relationship("Pass")
    write_off_id = Column(Integer, ForeignKey("session_write_off.id", use_alter=True,
                                              name="fk_charge_write_off"), index=True)
    charged_on = Column(Date, nullable=False, default=date.today)
    description = Column(String(250))
    cancelled = Column(Boolean, nullable=False, default=False)


class SessionWriteOff(AuditMixin, Model):
    """One visit taken off a pass (``pass_id``) or owed (no pass: ``charge_id`` bills it).

    ``value`` is the pass's per-session value for revenue: ``price_paid / sessions_total``, or
    for an unlimited pass ``price_paid / plan validity days`` (one day's worth)."""

    __tablename__ = "session_write_off"
    __table_args__ = (Index("ix_session_write_off_client_at", "client_id", "at"),)

    id = Column(Integer, primary_key=True)
    client_id = Column(Integer, ForeignKey("client.id"), nullable=False)
    client = relationship("Client")
    service_id = Column(Integer, ForeignKey("service.id"), nullable=False, index=True)
    service = relationship("Service")
    pass_id = Column(Integer, ForeignKey("client_pass.id"), index=True)
    pass_ = relationship("Pass")
    at = Column(DateTime, nullable=False)
    value = Column(MONEY, nullable=False, default=0)
    charge_id = Column(Integer, ForeignKey("charge.id"), index=True)
    charge = relationship("Charge", foreign_keys=[charge_id])
    cancelled = Column(Boolean, nullable=False, default=False)
    # A walk-in visit checked in at the desk (not part of a lesson): the client card's Visits
    # lists it next to lesson visits.
    walk_in = Column(Boolean, nullable=False, default=False)


class Discount(AuditMixin, Model):
    """A percentage off a plan. The client's own percentage is ``Client.discount_percent``;
    a sale takes the larger of the two."""

    __tablename__ = "discount"
    __table_args__ = (
        CheckConstraint("percent >= 0 AND percent <= 100", name="ck_discount_percent"),
    )

    id = Column(Integer, primary_key=True)
    name = Column(String(150), nullable=False)
    plan_id = Column(Integer, ForeignKey("pass_plan.id"), nullable=False, index=True)
    plan = relationship("PassPlan")
    percent = Column(Numeric(5, 2), nullable=False)
    active = Column(Boolean, nullable=False, default=True)


class BonusTransaction(AuditMixin, Model):
    """Bonus points in (accrual) or out (spend, reversal); a client's balance is the sum."""

    __tablename__ = "bonus_transaction"

    id = Column(Integer, primary_key=True)
    client_id = Column(Integer, ForeignKey("client.id"), nullable=False, index=True)
    client = relationship("Client")
    points = Column(MONEY, nullable=False)
    kind = Column(String(12), nullable=False)
    payment_id = Column(Integer, ForeignKey("payment.id"), index=True)
    note = Column(String(250))
    at = Column(DateTime, nullable=False, default=_now)


class GiftCertificate(AuditMixin, Model):
    """A gift certificate with a unique code and a balance that never goes below zero."""

    __tablename__ = "gift_certificate"
    __table_args__ = (
        CheckConstraint("balance >= 0", name="ck_gift_certificate_balance"),
        CheckConstraint("balance <= initial_amount", name="ck_gift_certificate_le_initial"),
    )

    id = Column(Integer, primary_key=True)
    code = Column(String(40), nullable=False, unique=True)
    initial_amount = Column(MONEY, nullable=False)
    balance = Column(MONEY, nullable=False)
    buyer_client_id = Column(Integer, ForeignKey("client.id"), index=True)
    buyer = relationship("Client")
    valid_until = Column(Date)
    active = Column(Boolean, nullable=False, default=True)

    redemptions = relationship("GiftCertificateRedemption", back_populates="certificate",
                               order_by="GiftCertificateRedemption.id")

    def __repr__(self):
        return self.code


class GiftCertificateRedemption(AuditMixin, Model):
    """Part of a certificate's balance spent as a payment; a negative amount is value given
    back to the certificate (a refund of something paid with it)."""

    __tablename__ = "gift_certificate_redemption"

    id = Column(Integer, primary_key=True)
    certificate_id = Column(Integer, ForeignKey("gift_certificate.id"), nullable=False,
                            index=True)
    certificate = relationship("GiftCertificate", back_populates="redemptions")
    client_id = Column(Integer, ForeignKey("client.id"), nullable=False, index=True)
    payment_id = Column(Integer, ForeignKey("payment.id"), index=True)
    amount = Column(MONEY, nullable=False)
