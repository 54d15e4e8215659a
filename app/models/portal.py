"""The client portal: client accounts (separate from staff logins), their one-time codes and API
tokens, booking settings of groups, per-lesson seat counters, bookings and waitlists.

A portal account is *not* a FAB user: it never holds a staff role, a staff session or a staff
JWT, so no staff page or API can ever accept it. It manages one or more client cards (its own
and its children's, found through the guardians on the card), listed in ``portal_account_client``.
"""
from datetime import datetime

from flask_appbuilder import Model
from sqlalchemy import (Boolean, CheckConstraint, Column, DateTime, ForeignKey, Integer, Numeric,
                        String, Text, UniqueConstraint)
from sqlalchemy.orm import relationship

from app.models.base import AuditMixin

BOOKED = "booked"
CANCELLED = "cancelled"
LATE_CANCEL = "late_cancel"
NO_SHOW = "no_show"
BOOKING_STATUSES = (BOOKED, CANCELLED, LATE_CANCEL, NO_SHOW)

PENALTY_NONE = "none"
PENALTY_SESSION = "session"
PENALTY_FEE = "fee"
PENALTIES = (PENALTY_NONE, PENALTY_SESSION, PENALTY_FEE)

WAITING = "waiting"
PROMOTED = "promoted"
LEFT = "left"
WAITLIST_STATUSES = (WAITING, PROMOTED, LEFT)

CODE_SIGNUP = "signup"
CODE_RESET = "reset"


def _now():
    return datetime.now()


class PortalAccount(Model):
    """A client's (or guardian's) own login to the portal, identified by the email or phone
    digits that are on the card."""

    __tablename__ = "portal_account"

    id = Column(Integer, primary_key=True)
    login = Column(String(150), nullable=False, unique=True)
    password_hash = Column(String(256), nullable=False)
    language = Column(String(5))
    active = Column(Boolean, nullable=False, default=True)
    generation = Column(Integer, nullable=False, default=1)
    created_on = Column(DateTime, nullable=False, default=_now)
    last_login_at = Column(DateTime)

    clients = relationship("PortalAccountClient", back_populates="account",
                           cascade="all, delete-orphan")

    def __repr__(self):
        return self.login or ""


class PortalAccountClient(Model):
    """One client card an account may see and book for (its own, or a child's)."""

    __tablename__ = "portal_account_client"

    account_id = Column(Integer, ForeignKey("portal_account.id", ondelete="CASCADE"),
                        primary_key=True)
    client_id = Column(Integer, ForeignKey("client.id", ondelete="CASCADE"), primary_key=True,
                       index=True)
    is_self = Column(Boolean, nullable=False, default=False)

    account = relationship("PortalAccount", back_populates="clients")
    client = relationship("Client")


class PortalCode(Model):
    """A one-time code sent to a contact for sign-up or a password reset (stored hashed)."""

    __tablename__ = "portal_code"

    id = Column(Integer, primary_key=True)
    login = Column(String(150), nullable=False, index=True)
    purpose = Column(String(10), nullable=False)
    code_hash = Column(String(64), nullable=False)
    expires_at = Column(DateTime, nullable=False)
    attempts = Column(Integer, nullable=False, default=0)
    used_at = Column(DateTime)
    created_on = Column(DateTime, nullable=False, default=_now)


class PortalToken(Model):
    """An API token of a portal account (only its SHA-256 is stored); revocable."""

    __tablename__ = "portal_token"

    id = Column(Integer, primary_key=True)
    account_id = Column(Integer, ForeignKey("portal_account.id", ondelete="CASCADE"),
                        nullable=False, index=True)
    token_hash = Column(String(64), nullable=False, unique=True)
    created_on = Column(DateTime, nullable=False, default=_now)
    revoked_at = Column(DateTime)

    account = relationship("PortalAccount")


class BookingSettings(AuditMixin, Model):
    """A group's booking mode: open or not, places open to booking, the booking window (from
    ``opens_days_before`` days to ``closes_minutes_before`` minutes before the start) and the
    waitlist cutoff."""

    __tablename__ = "booking_settings"
    __table_args__ = (
        CheckConstraint("capacity >= 0", name="ck_booking_settings_capacity"),
    )

    id = Column(Integer, primary_key=True)
    group_id = Column(Integer, ForeignKey("class_group.id", ondelete="CASCADE"), nullable=False,
                      unique=True)
    open = Column(Boolean, nullable=False, default=True)
    capacity = Column(Integer, nullable=False, default=10)
    opens_days_before = Column(Integer, nullable=False, default=7)
    closes_minutes_before = Column(Integer, nullable=False, default=60)
    waitlist_cutoff_minutes = Column(Integer, nullable=False, default=120)

    group = relationship("ClassGroup")


class LessonSeats(Model):
    """The booked-places counter of one lesson. Every booking takes a place by a guarded
    ``UPDATE … SET booked = booked + 1 WHERE booked < capacity``, so the capacity is never
    exceeded whatever the number of concurrent requests, on SQLite and PostgreSQL alike."""

    __tablename__ = "lesson_seats"
    __table_args__ = (
        CheckConstraint("booked >= 0 AND booked <= capacity", name="ck_lesson_seats_booked"),
    )

    lesson_id = Column(Integer, ForeignKey("lesson.id", ondelete="CASCADE"), primary_key=True)
    capacity = Column(Integer, nullable=False)
    booked = Column(Integer, nullable=False, default=0)


class Booking(AuditMixin, Model):
    """A client's place in a lesson; cancelling keeps the row (status) for the history."""

    __tablename__ = "booking"
    __table_args__ = (
        UniqueConstraint("lesson_id", "client_id", name="uq_booking_lesson_client"),
    )

    id = Column(Integer, primary_key=True)
    lesson_id = Column(Integer, ForeignKey("lesson.id", ondelete="CASCADE"), nullable=False,
                       index=True)
    client_id = Column(Integer, ForeignKey("client.id", ondelete="CASCADE"), nullable=False,
                       index=True)
    account_id = Column(Integer, ForeignKey("portal_account.id", ondelete="SET NULL"))
    status = Column(String(15), nullable=False, default=BOOKED)
    cancelled_at = Column(DateTime)

    lesson = relationship("Lesson")
    client = relationship("Client")


class WaitlistEntry(AuditMixin, Model):
    """A client waiting for a place in a full lesson; promoted (booked) by a job, in order."""

    __tablename__ = "waitlist_entry"
    __table_args__ = (
        UniqueConstraint("lesson_id", "client_id", name="uq_waitlist_lesson_client"),
    )

    id = Column(Integer, primary_key=True)
    lesson_id = Column(Integer, ForeignKey("lesson.id", ondelete="CASCADE"), nullable=False,
                       index=True)
    client_id = Column(Integer, ForeignKey("client.id", ondelete="CASCADE"), nullable=False,
                       index=True)
    account_id = Column(Integer, ForeignKey("portal_account.id", ondelete="SET NULL"))
    status = Column(String(10), nullable=False, default=WAITING)
    promoted_at = Column(DateTime)

    lesson = relationship("Lesson")
    client = relationship("Client")


class CancellationRule(AuditMixin, Model):
    """A service's cancellation rules: free cancellation until ``free_cancel_hours`` before the
    start; a later cancel and a no-show each forfeit a session, charge a fee or nothing; after
    ``no_show_limit`` no-shows within ``no_show_days`` the client may not book the service for
    ``block_days`` (a limit of 0 never blocks)."""

    __tablename__ = "cancellation_rule"

    id = Column(Integer, primary_key=True)
    service_id = Column(Integer, ForeignKey("service.id", ondelete="CASCADE"), nullable=False,
                        unique=True)
    free_cancel_hours = Column(Integer, nullable=False, default=12)
    late_cancel_penalty = Column(String(10), nullable=False, default=PENALTY_NONE)
    late_cancel_fee = Column(Numeric(12, 2), nullable=False, default=0)
    no_show_penalty = Column(String(10), nullable=False, default=PENALTY_NONE)
    no_show_fee = Column(Numeric(12, 2), nullable=False, default=0)
    no_show_limit = Column(Integer, nullable=False, default=0)
    no_show_days = Column(Integer, nullable=False, default=30)
    block_days = Column(Integer, nullable=False, default=14)

    service = relationship("Service")


class BookingPenalty(AuditMixin, Model):
    """What a late cancel or a no-show cost, charged once after the lesson (one row per
    booking); staff may waive it with a reason (the charge or write-off is cancelled)."""

    __tablename__ = "booking_penalty"

    id = Column(Integer, primary_key=True)
    booking_id = Column(Integer, ForeignKey("booking.id", ondelete="CASCADE"), nullable=False,
                        unique=True)
    client_id = Column(Integer, ForeignKey("client.id", ondelete="CASCADE"), nullable=False,
                       index=True)
    service_id = Column(Integer, ForeignKey("service.id"), nullable=False)
    kind = Column(String(15), nullable=False)  # late_cancel / no_show
    penalty = Column(String(10), nullable=False)
    amount = Column(Numeric(12, 2))
    charge_id = Column(Integer, ForeignKey("charge.id"))
    write_off_id = Column(Integer, ForeignKey("session_write_off.id"))
    lesson_starts_at = Column(DateTime, nullable=False)
    waived = Column(Boolean, nullable=False, default=False)
    waived_reason = Column(Text)
    waived_on = Column(DateTime)

    booking = relationship("Booking")
    client = relationship("Client")
    service = relationship("Service")


class MakeupCredit(Model):
    """A make-up credit from an excused absence (a cancellation in time, or the centre cancelled
    the lesson): books one other lesson of the same service until ``valid_until``, once."""

    __tablename__ = "makeup_credit"

    id = Column(Integer, primary_key=True)
    client_id = Column(Integer, ForeignKey("client.id", ondelete="CASCADE"), nullable=False,
                       index=True)
    service_id = Column(Integer, ForeignKey("service.id", ondelete="CASCADE"), nullable=False)
    source_booking_id = Column(Integer, ForeignKey("booking.id", ondelete="CASCADE"),
                               nullable=False, unique=True)
    valid_until = Column(DateTime, nullable=False)
    used_booking_id = Column(Integer, ForeignKey("booking.id", ondelete="SET NULL"), unique=True)
    created_on = Column(DateTime, nullable=False, default=_now)


FEED_CLIENT = "client"
FEED_INSTRUCTOR = "instructor"


class CalendarFeed(Model):
    """A private iCal feed: a client's bookings or an instructor's lessons, read with the token
    in its URL (only the token's SHA-256 is stored). Revoking it (or issuing a new one, which
    revokes the last) makes the old URL answer 404."""

    __tablename__ = "calendar_feed"
    __table_args__ = (
        CheckConstraint("(client_id IS NULL) <> (employee_id IS NULL)",
                        name="ck_calendar_feed_owner"),
    )

    id = Column(Integer, primary_key=True)
    token_hash = Column(String(64), nullable=False, unique=True)
    client_id = Column(Integer, ForeignKey("client.id", ondelete="CASCADE"), index=True)
    employee_id = Column(Integer, ForeignKey("employee.id", ondelete="CASCADE"), index=True)
    created_on = Column(DateTime, nullable=False, default=_now)
    revoked_at = Column(DateTime)

    @property
    def kind(self):
        return FEED_CLIENT if self.client_id else FEED_INSTRUCTOR


CHECKOUT_CREATED = "created"
CHECKOUT_PAID = "paid"
CHECKOUT_MISMATCH = "mismatch"
CHECKOUT_REFUNDED = "refunded"
CHECKOUT_PURPOSE_DEBT = "debt"
CHECKOUT_PURPOSE_PASS = "pass"


class OnlineCheckout(Model):
    """A payment asked of a client online: what was asked (amount, purpose: a debt or a pass
    of a plan), the provider's checkout, and how it ended. Its status moves from ``created`` to
    ``paid`` (the payment recorded, once) or ``mismatch`` (the provider said another amount)
    by one guarded ``UPDATE … WHERE status = 'created'``, so a replayed or duplicated webhook
    changes nothing."""

    __tablename__ = "online_checkout"

    id = Column(Integer, primary_key=True)
    reference = Column(String(40), nullable=False, unique=True)
    provider = Column(String(30), nullable=False)
    provider_checkout_id = Column(String(100), unique=True)
    client_id = Column(Integer, ForeignKey("client.id", ondelete="CASCADE"), nullable=False,
                       index=True)
    account_id = Column(Integer, ForeignKey("portal_account.id", ondelete="SET NULL"))
    purpose = Column(String(10), nullable=False)
    plan_id = Column(Integer, ForeignKey("pass_plan.id"))
    amount = Column(Numeric(12, 2), nullable=False)
    currency = Column(String(3), nullable=False)
    status = Column(String(10), nullable=False, default=CHECKOUT_CREATED, index=True)
    paid_amount = Column(Numeric(12, 2))
    payment_id = Column(Integer, ForeignKey("payment.id"), unique=True)
    pass_id = Column(Integer, ForeignKey("client_pass.id"))
    created_on = Column(DateTime, nullable=False, default=_now)
    settled_at = Column(DateTime)
    note = Column(Text)

    client = relationship("Client")
