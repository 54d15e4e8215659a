"""Courses and seminars (training centre): directions, courses, registrations of organisations
and private persons, participants with their payment type, attendance per session, certificates,
an organisation's payments and the economics (cost lines) of a course.

A course's sessions are ordinary timetable lessons of the course's own group (``group_id``), so
rooms and instructors are checked for conflicts like every other lesson. Course money is kept in
this domain: a participant's ``price`` is the charge, ``OrganisationPayment`` the payments.
"""
from datetime import date

from flask_appbuilder import Model
from sqlalchemy import (Boolean, CheckConstraint, Column, Date, DateTime, ForeignKey, Integer,
                        Numeric, String, Text, UniqueConstraint)
from sqlalchemy.orm import relationship

from app.models.base import AuditMixin

MONEY = Numeric(12, 2)

PAYMENT_PAID = "paid"
PAYMENT_GUARANTEE = "guarantee"
PAYMENT_LATER = "later"
PAYMENT_FREE = "free"
PAYMENT_TYPES = (PAYMENT_PAID, PAYMENT_GUARANTEE, PAYMENT_LATER, PAYMENT_FREE)

RESULT_PASSED = "passed"
RESULT_FAILED = "failed"
CERTIFICATION_RESULTS = (RESULT_PASSED, RESULT_FAILED)

COST_PLANNED = "planned"
COST_ACTUAL = "actual"
COST_KINDS = (COST_PLANNED, COST_ACTUAL)
CALL_NO_ANSWER = "no_answer"
CALL_BACK = "call_back"
CALL_THINKING = "thinking"
CALL_ACCEPTED = "accepted"
CALL_DECLINED = "declined"
CALL_RESULTS = (CALL_NO_ANSWER, CALL_BACK, CALL_THINKING, CALL_ACCEPTED, CALL_DECLINED)

INVITATION_SENT = "sent"
INVITATION_ACCEPTED = "accepted"
INVITATION_DECLINED = "declined"
INVITATION_STATUSES = (INVITATION_SENT, INVITATION_ACCEPTED, INVITATION_DECLINED)

BASIS_FIXED = "fixed"
BASIS_PER_PARTICIPANT = "per_participant"
COST_BASES = (BASIS_FIXED, BASIS_PER_PARTICIPANT)


class CourseDirection(AuditMixin, Model):
    """Medicine, banking … (an editable directory)."""

    __tablename__ = "course_direction"
    id = Column(Integer, primary_key=True)
    name = Column(String(100), nullable=False, unique=True)

    def __repr__(self):
        return self.name or ""


class Course(AuditMixin, Model):
    """A course or seminar from ``starts_on`` to ``ends_on`` (one day: the same date)."""

    __tablename__ = "course"
    __table_args__ = (
        CheckConstraint("ends_on >= starts_on", name="ck_course_dates"),
        CheckConstraint("min_participants >= 0", name="ck_course_min"),
        CheckConstraint("certificate_last_number >= 0", name="ck_course_certificate_number"),
    )

    id = Column(Integer, primary_key=True)
    title = Column(String(200), nullable=False)
    direction_id = Column(Integer, ForeignKey("course_direction.id"), index=True)
    direction = relationship("CourseDirection")
    starts_on = Column(Date, nullable=False, index=True)
    ends_on = Column(Date, nullable=False, index=True)
    target_audience = Column(Text)
    description = Column(Text)
    instructor_id = Column(Integer, ForeignKey("employee.id"), index=True)
    instructor = relationship("Employee")
    manager_id = Column(Integer, ForeignKey("ab_user.id"), index=True)
    manager = relationship("User", foreign_keys=[manager_id])
    service_id = Column(Integer, ForeignKey("service.id"), index=True)
    service = relationship("Service")
    group_id = Column(Integer, ForeignKey("class_group.id"), index=True)
    group = relationship("ClassGroup")
    price_per_participant = Column(MONEY, nullable=False, default=0)
    price_per_organisation = Column(MONEY)
    min_participants = Column(Integer, nullable=False, default=0)
    max_participants = Column(Integer)
    planned_participants = Column(Integer)
    certificate_series = Column(String(20))
    certificate_last_number = Column(Integer, nullable=False, default=0)
    programme_filename = Column(String(255))
    programme_stored_name = Column(String(255), unique=True)
    programme_content_type = Column(String(100))
    cancelled = Column(Boolean, nullable=False, default=False)
    min_warning_task_id = Column(Integer, ForeignKey("task.id", ondelete="SET NULL"))

    registrations = relationship("CourseRegistration", back_populates="course",
                                 cascade="all, delete-orphan")
    costs = relationship("CourseCost", back_populates="course", cascade="all, delete-orphan",
                         order_by="CourseCost.id")

    def period_state(self, today=None):
        """"upcoming", "current" or "past" on ``today``."""
        today = today or date.today()
        if self.starts_on > today:
            return "upcoming"
        return "past" if self.ends_on < today else "current"

    def __repr__(self):
        return self.title or ""


class CourseRegistration(AuditMixin, Model):
    """An organisation's registration of its people to a course (one per organisation and
    course), or a private person's own registration (``organisation_id`` empty)."""

    __tablename__ = "course_registration"
    __table_args__ = (UniqueConstraint("course_id", "organisation_id",
                                       name="uq_course_registration_organisation"),)

    id = Column(Integer, primary_key=True)
    course_id = Column(Integer, ForeignKey("course.id", ondelete="CASCADE"), nullable=False,
                       index=True)
    course = relationship("Course", back_populates="registrations")
    organisation_id = Column(Integer, ForeignKey("organisation.id"), index=True)
    organisation = relationship("Organisation")
    registered_on = Column(Date, nullable=False, default=date.today)
    notes = Column(Text)
    participants = relationship("CourseParticipant", back_populates="registration",
                                cascade="all, delete-orphan", order_by="CourseParticipant.id")

    def __repr__(self):
        return f"{self.course_id}:{self.organisation_id or '-'}"


class CourseParticipant(AuditMixin, Model):
    """One person on a course: how it is paid, what it costs, the certification result and the
    certificate number (issued once, from the course's series)."""

    __tablename__ = "course_participant"
    __table_args__ = (
        UniqueConstraint("course_id", "client_id", name="uq_course_participant_client"),
        UniqueConstraint("course_id", "certificate_number",
                         name="uq_course_participant_certificate"),
    )

    id = Column(Integer, primary_key=True)
    registration_id = Column(Integer, ForeignKey("course_registration.id", ondelete="CASCADE"),
                             nullable=False, index=True)
    registration = relationship("CourseRegistration", back_populates="participants")
    course_id = Column(Integer, ForeignKey("course.id", ondelete="CASCADE"), nullable=False,
                       index=True)
    course = relationship("Course", viewonly=True)
    client_id = Column(Integer, ForeignKey("client.id"), nullable=False, index=True)
    client = relationship("Client")
    payment_type = Column(String(12), nullable=False, default=PAYMENT_LATER)
    price = Column(MONEY, nullable=False, default=0)
    result = Column(String(10))
    grade = Column(String(20))
    certificate_number = Column(String(40))
    certified_on = Column(Date)

    def __repr__(self):
        return f"{self.course_id}:{self.client_id}"


class CourseAttendance(AuditMixin, Model):
    """Whether a participant came to one session (a lesson of the course's group)."""

    __tablename__ = "course_attendance"
    __table_args__ = (UniqueConstraint("participant_id", "lesson_id",
                                       name="uq_course_attendance_participant_lesson"),)

    id = Column(Integer, primary_key=True)
    participant_id = Column(Integer, ForeignKey("course_participant.id", ondelete="CASCADE"),
                            nullable=False)
    lesson_id = Column(Integer, ForeignKey("lesson.id", ondelete="CASCADE"), nullable=False,
                       index=True)
    present = Column(Boolean, nullable=False, default=False)


class OrganisationPayment(AuditMixin, Model):
    """Money an organisation paid for its people's courses (optionally for one course)."""

    __tablename__ = "organisation_payment"

    id = Column(Integer, primary_key=True)
    organisation_id = Column(Integer, ForeignKey("organisation.id"), nullable=False, index=True)
    organisation = relationship("Organisation")
    course_id = Column(Integer, ForeignKey("course.id"), index=True)
    course = relationship("Course")
    amount = Column(MONEY, nullable=False)
    paid_on = Column(Date, nullable=False, default=date.today)
    method = Column(String(20), nullable=False, default="transfer")
    note = Column(String(250))
    # who took it at the desk and the cash shift it was recorded against (money's rules: the
    # shift open for that cashier; required when PAYMENTS_REQUIRE_OPEN_SHIFT is on)
    taken_by_fk = Column(Integer, ForeignKey("ab_user.id"), index=True)
    taken_by = relationship("User", foreign_keys=[taken_by_fk])
    cash_shift_id = Column(Integer, ForeignKey("cash_shift.id"), index=True)


class CourseCost(AuditMixin, Model):
    """A variable cost line of a course, planned or actual: a fixed amount (room, instructor's
    pay) or an amount per participant (materials, lunch)."""

    __tablename__ = "course_cost"

    id = Column(Integer, primary_key=True)
    course_id = Column(Integer, ForeignKey("course.id", ondelete="CASCADE"), nullable=False,
                       index=True)
    course = relationship("Course", back_populates="costs")
    kind = Column(String(10), nullable=False, default=COST_PLANNED)
    basis = Column(String(20), nullable=False, default=BASIS_FIXED)
    name = Column(String(150), nullable=False)
    amount = Column(MONEY, nullable=False, default=0)

    def __repr__(self):
        return self.name or ""


class OrganisationCall(AuditMixin, Model):
    """A call to an organisation: when, who called, whom they spoke to, the result and the date
    of the next call; optionally about a course and a person invited to it. An "accepted" call
    registers that person (``participant_id`` set once)."""

    __tablename__ = "organisation_call"

    id = Column(Integer, primary_key=True)
    organisation_id = Column(Integer, ForeignKey("organisation.id", ondelete="CASCADE"),
                             nullable=False, index=True)
    organisation = relationship("Organisation")
    called_at = Column(DateTime, nullable=False)
    manager_id = Column(Integer, ForeignKey("ab_user.id"))
    manager = relationship("User", foreign_keys=[manager_id])
    contact_id = Column(Integer, ForeignKey("contact_person.id", ondelete="SET NULL"))
    contact = relationship("ContactPerson")
    result = Column(String(12), nullable=False, default=CALL_NO_ANSWER)
    note = Column(Text)
    next_call_on = Column(Date)
    course_id = Column(Integer, ForeignKey("course.id", ondelete="SET NULL"), index=True)
    course = relationship("Course")
    client_id = Column(Integer, ForeignKey("client.id"))
    client = relationship("Client")
    participant_id = Column(Integer, ForeignKey("course_participant.id", ondelete="SET NULL"))
    task_id = Column(Integer, ForeignKey("task.id", ondelete="SET NULL"))


class CourseInvitation(AuditMixin, Model):
    """A person invited to a course (by a course mailing), once per course: sent, then
    accepted (registered once, ``participant_id``) or declined."""

    __tablename__ = "course_invitation"
    __table_args__ = (UniqueConstraint("course_id", "client_id",
                                       name="uq_course_invitation_client"),)

    id = Column(Integer, primary_key=True)
    course_id = Column(Integer, ForeignKey("course.id", ondelete="CASCADE"), nullable=False,
                       index=True)
    course = relationship("Course")
    client_id = Column(Integer, ForeignKey("client.id"), nullable=False, index=True)
    client = relationship("Client")
    organisation_id = Column(Integer, ForeignKey("organisation.id"), index=True)
    organisation = relationship("Organisation")
    status = Column(String(10), nullable=False, default=INVITATION_SENT)
    message_id = Column(Integer)
    answered_at = Column(DateTime)
    participant_id = Column(Integer, ForeignKey("course_participant.id", ondelete="SET NULL"))
    # the call-back task made with the invitation (its "yes" result registers the person)
    task_id = Column(Integer, ForeignKey("task.id", ondelete="SET NULL"), index=True)


class SalesPlan(AuditMixin, Model):
    """A sales plan for a month: participants and revenue, for one course, one direction or
    everything (neither), for one manager or the whole company (``manager_id`` empty)."""

    __tablename__ = "sales_plan"
    __table_args__ = (
        CheckConstraint("participants >= 0", name="ck_sales_plan_participants"),
        CheckConstraint("revenue >= 0", name="ck_sales_plan_revenue"),
    )

    id = Column(Integer, primary_key=True)
    month = Column(Date, nullable=False, index=True)  # the first day of the month
    manager_id = Column(Integer, ForeignKey("ab_user.id"), index=True)
    manager = relationship("User", foreign_keys=[manager_id])
    course_id = Column(Integer, ForeignKey("course.id", ondelete="CASCADE"), index=True)
    course = relationship("Course")
    direction_id = Column(Integer, ForeignKey("course_direction.id"))
    direction = relationship("CourseDirection")
    participants = Column(Integer, nullable=False, default=0)
    revenue = Column(MONEY, nullable=False, default=0)


class CourseMaterial(AuditMixin, Model):
    """Materials issued from stock to a course (the stock movement it made), valued at the
    product's cost when issued: an actual cost of the course."""

    __tablename__ = "course_material"

    id = Column(Integer, primary_key=True)
    course_id = Column(Integer, ForeignKey("course.id", ondelete="CASCADE"), nullable=False,
                       index=True)
    course = relationship("Course")
    movement_id = Column(Integer, ForeignKey("stock_movement.id"), nullable=False, unique=True)
    product_id = Column(Integer, ForeignKey("product.id"), nullable=False)
    product = relationship("Product")
    quantity = Column(Integer, nullable=False)
    unit_cost = Column(MONEY, nullable=False, default=0)
