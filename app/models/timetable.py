"""Timetable: rooms, groups and their members, weekly patterns, lessons, attendance, holidays."""
from flask_appbuilder import Model
from sqlalchemy import (Boolean, CheckConstraint, Column, Date, DateTime, ForeignKey, Index,
                        Integer, Numeric, String, Text, Time, UniqueConstraint)
from sqlalchemy.orm import relationship

from app.models.base import AuditMixin

LESSON_PLANNED = "planned"
LESSON_HELD = "held"
LESSON_CANCELLED = "cancelled"
LESSON_STATUSES = (LESSON_PLANNED, LESSON_HELD, LESSON_CANCELLED)

PRESENT = "present"
ABSENT = "absent"
EXCUSED = "excused"
LATE = "late"
ATTENDANCE_STATUSES = (PRESENT, ABSENT, EXCUSED, LATE)


class Room(AuditMixin, Model):
    __tablename__ = "room"

    id = Column(Integer, primary_key=True)
    name = Column(String(120), unique=True, nullable=False)
    capacity = Column(Integer, nullable=False, default=10)
    active = Column(Boolean, nullable=False, default=True)
    notes = Column(Text)

    def __repr__(self):
        return self.name or ""


class ClassGroup(AuditMixin, Model):
    """A class that meets regularly: one service, one instructor, one room, a capacity.

    Not named ``Group``: FAB's security models have a ``Group`` (ab_group) and refer to it by
    that name, so a second mapped ``Group`` makes their relationships ambiguous. Import it as
    ``Group`` (alias at the end of this module) where that reads better.
    """

    __tablename__ = "class_group"

    id = Column(Integer, primary_key=True)
    name = Column(String(150), nullable=False)
    service_id = Column(Integer, ForeignKey("service.id"), nullable=False, index=True)
    instructor_id = Column(Integer, ForeignKey("employee.id"), nullable=True, index=True)
    room_id = Column(Integer, ForeignKey("room.id"), nullable=True, index=True)
    capacity = Column(Integer, nullable=False, default=10)
    active = Column(Boolean, nullable=False, default=True)

    service = relationship("Service")
    instructor = relationship("Employee")
    room = relationship("Room")
    members = relationship("GroupMember", back_populates="group", cascade="all, delete-orphan")
    patterns = relationship("LessonPattern", back_populates="group", cascade="all, delete-orphan")

    def __repr__(self):
        return self.name or ""


class GroupMember(AuditMixin, Model):
    """A client's enrolment in a group from ``joined_on`` until ``left_on`` (exclusive; NULL = still in)."""

    __tablename__ = "group_member"
    __table_args__ = (
        Index("ix_group_member_group_dates", "group_id", "joined_on", "left_on"),
    )

    id = Column(Integer, primary_key=True)
    group_id = Column(Integer, ForeignKey("class_group.id"), nullable=False)
    client_id = Column(Integer, ForeignKey("client.id"), nullable=False, index=True)
    joined_on = Column(Date, nullable=False)
    left_on = Column(Date, nullable=True)

    group = relationship("ClassGroup", back_populates="members")
    client = relationship("Client")

    def __repr__(self):
        return f"{self.group_id}:{self.client_id}"


class LessonPattern(AuditMixin, Model):
    """A weekly slot of a group (weekday 0 = Monday) valid from ``valid_from`` to ``valid_to``."""

    __tablename__ = "lesson_pattern"
    __table_args__ = (
        CheckConstraint("weekday >= 0 AND weekday <= 6", name="ck_lesson_pattern_weekday"),
        CheckConstraint("duration_minutes > 0", name="ck_lesson_pattern_duration"),
    )

    id = Column(Integer, primary_key=True)
    group_id = Column(Integer, ForeignKey("class_group.id"), nullable=False, index=True)
    weekday = Column(Integer, nullable=False)
    start_time = Column(Time, nullable=False)
    duration_minutes = Column(Integer, nullable=False, default=60)
    valid_from = Column(Date, nullable=False)
    valid_to = Column(Date, nullable=True)

    group = relationship("ClassGroup", back_populates="patterns")

    def __repr__(self):
        return f"{self.group_id} {self.weekday} {self.start_time}"


class Lesson(AuditMixin, Model):
    """One meeting of a group (or an individual lesson with one client) in a room at a time.

    ``pattern_id`` + ``pattern_date`` name the pattern slot a generated lesson came from; the
    unique constraint makes generation idempotent even after the lesson was moved or cancelled.
    """

    __tablename__ = "lesson"
    __table_args__ = (
        UniqueConstraint("pattern_id", "pattern_date", name="uq_lesson_pattern_date"),
        CheckConstraint("ends_at > starts_at", name="ck_lesson_times"),
        Index("ix_lesson_room_start", "room_id", "starts_at"),
        Index("ix_lesson_instructor_start", "instructor_id", "starts_at"),
        Index("ix_lesson_group_start", "group_id", "starts_at"),
    )

    id = Column(Integer, primary_key=True)
    group_id = Column(Integer, ForeignKey("class_group.id"), nullable=True)
    client_id = Column(Integer, ForeignKey("client.id"), nullable=True, index=True)
    service_id = Column(Integer, ForeignKey("service.id"), nullable=False, index=True)
    room_id = Column(Integer, ForeignKey("room.id"), nullable=True)
    instructor_id = Column(Integer, ForeignKey("employee.id"), nullable=True)
    starts_at = Column(DateTime, nullable=False, index=True)
    ends_at = Column(DateTime, nullable=False)
    status = Column(String(20), nullable=False, default=LESSON_PLANNED)
    pattern_id = Column(Integer, ForeignKey("lesson_pattern.id", ondelete="SET NULL"), nullable=True)
    pattern_date = Column(Date, nullable=True)
    held_at = Column(DateTime, nullable=True)
    notes = Column(Text)

    group = relationship("ClassGroup")
    client = relationship("Client")
    service = relationship("Service")
    room = relationship("Room")
    instructor = relationship("Employee")
    attendances = relationship("Attendance", back_populates="lesson", cascade="all, delete-orphan")

    @property
    def capacity(self):
        if self.client_id:
            return 1
        if self.group is not None:
            if self.room is not None:
                return min(self.group.capacity, self.room.capacity)
            return self.group.capacity
        return self.room.capacity if self.room is not None else None

    def __repr__(self):
        return f"{self.starts_at:%Y-%m-%d %H:%M}" if self.starts_at else ""


class Attendance(AuditMixin, Model):
    """Whether one client came to one lesson, and the session written off for it (if any)."""

    __tablename__ = "attendance"
    __table_args__ = (UniqueConstraint("lesson_id", "client_id", name="uq_attendance_lesson_client"),)

    id = Column(Integer, primary_key=True)
    lesson_id = Column(Integer, ForeignKey("lesson.id"), nullable=False)
    client_id = Column(Integer, ForeignKey("client.id"), nullable=False, index=True)
    status = Column(String(20), nullable=False, default=ABSENT)
    write_off_id = Column(Integer, ForeignKey("session_write_off.id"), nullable=True, index=True)

    lesson = relationship("Lesson", back_populates="attendances")
    client = relationship("Client")
    write_off = relationship("SessionWriteOff")


class Holiday(AuditMixin, Model):
    """Days the centre is closed: no lessons are generated from ``starts_on`` to ``ends_on``."""

    __tablename__ = "holiday"

    id = Column(Integer, primary_key=True)
    name = Column(String(150), nullable=False)
    starts_on = Column(Date, nullable=False, index=True)
    ends_on = Column(Date, nullable=False)

    def __repr__(self):
        return self.name or ""


class LessonResult(AuditMixin, Model):
    """A learning result of one participant at one lesson (the instructor's "electronic
    diary"): a mark on the lesson's scale and/or an observation."""

    __tablename__ = "lesson_result"
    __table_args__ = (UniqueConstraint("lesson_id", "client_id",
                                       name="uq_lesson_result_lesson_client"),)

    id = Column(Integer, primary_key=True)
    lesson_id = Column(Integer, ForeignKey("lesson.id", ondelete="CASCADE"), nullable=False)
    client_id = Column(Integer, ForeignKey("client.id"), nullable=False, index=True)
    mark = Column(String(20))
    # the mark's position on its service's scale, 0 (lowest) .. 1 (highest); NULL for free text
    mark_value = Column(Numeric(5, 4))
    comment = Column(Text)

    lesson = relationship("Lesson")
    client = relationship("Client")


Group = ClassGroup
