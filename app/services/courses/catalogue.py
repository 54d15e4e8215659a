"""The course catalogue: validating a course, the upcoming / current / past lists, a course's
sessions (timetable lessons of the course's own group, planned through the timetable's rules so
rooms and instructors are checked for conflicts) and its programme file."""
import os
import uuid
from datetime import date, datetime

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.extensions import db
from app.models.courses import Course, CourseParticipant
from app.models.timetable import LESSON_CANCELLED, LESSON_PLANNED, ClassGroup, Lesson
from app.services import timetable
from app.services.clients import check_document
from app.services.platform import DomainError, NotFound

UPCOMING, CURRENT, PAST = "upcoming", "current", "past"


def get_course(course_id):
    course = db.session.get(Course, course_id)
    if course is None:
        raise NotFound(_l("No such course."))
    return course


def validate_course(course):
    """A course has a title and dates (end not before start); prices are not negative; the
    minimum is not above the maximum; a certificate series is letters, digits and dashes."""
    if not (course.title or "").strip():
        raise DomainError(_l("A course needs a title."), field="title")
    if course.starts_on is None:
        raise DomainError(_l("A course needs a start date."), field="starts_on")
    if course.ends_on is None:
        course.ends_on = course.starts_on
    if course.ends_on < course.starts_on:
        raise DomainError(_l("A course cannot end before it starts."), field="ends_on")
    for name in ("price_per_participant", "price_per_organisation"):
        value = getattr(course, name)
        if value is not None and value < 0:
            raise DomainError(_l("A price cannot be negative."), field=name)
    if course.price_per_participant is None:
        course.price_per_participant = 0
    course.min_participants = course.min_participants or 0
    if course.min_participants < 0:
        raise DomainError(_l("The minimum cannot be negative."), field="min_participants")
    if course.max_participants is not None:
        if course.max_participants < 1:
            raise DomainError(_l("The maximum must be at least 1."), field="max_participants")
        if course.min_participants > course.max_participants:
            raise DomainError(_l("The minimum number of participants is above the maximum."),
                              field="min_participants")
        if course.id is not None and participant_count(course.id) > course.max_participants:
            raise DomainError(_l("More people are registered than this maximum."),
                              field="max_participants")
    series = (course.certificate_series or "").strip()
    if series and not all(ch.isalnum() or ch in "-/" for ch in series):
        raise DomainError(_l("A certificate series may hold only letters, digits, - and /."),
                          field="certificate_series")
    course.certificate_series = series or None
    course.certificate_last_number = course.certificate_last_number or 0


def participant_count(course_id):
    return db.session.scalar(select(func.count(CourseParticipant.id))
                             .where(CourseParticipant.course_id == course_id)) or 0


def participant_counts(course_ids):
    """``{course id: participants}`` in one query."""
    if not course_ids:
        return {}
    return dict(db.session.execute(
        select(CourseParticipant.course_id, func.count(CourseParticipant.id))
        .where(CourseParticipant.course_id.in_(course_ids))
        .group_by(CourseParticipant.course_id)).all())


def course_lists(today=None):
    """``{"upcoming": [...], "current": [...], "past": [...]}``: courses not cancelled, each
    entry ``(course, participants)``; upcoming soonest first, past latest first. Two queries."""
    today = today or date.today()
    courses = list(db.session.execute(
        select(Course).where(Course.cancelled.is_(False)).order_by(Course.starts_on, Course.id)
    ).scalars())
    counts = participant_counts([c.id for c in courses])
    lists = {UPCOMING: [], CURRENT: [], PAST: []}
    for course in courses:
        lists[course.period_state(today)].append((course, counts.get(course.id, 0)))
    lists[PAST].reverse()
    return lists


# --- sessions --------------------------------------------------------------------------------

def _course_group(course):
    """The timetable group the course's lessons belong to, created on the first session."""
    if course.group_id:
        return course.group_id
    if not course.service_id:
        raise DomainError(_l("Choose the course's service (the timetable activity) first."),
                          field="service")
    group = ClassGroup(name=str(_l("Course: %(title)s", title=course.title))[:150],
                       service_id=course.service_id, instructor_id=course.instructor_id,
                       capacity=course.max_participants or 1000, active=True)
    db.session.add(group)
    db.session.flush()
    course.group_id = group.id
    return group.id


def add_session(course_id, starts_at, ends_at, room_id=None, instructor_id=None):
    """Plan one session of the course as a timetable lesson of the course's group; the
    timetable refuses a busy room or instructor. A session lies within the course's dates."""
    course = get_course(course_id)
    if course.cancelled:
        raise DomainError(_l("This course is cancelled."))
    if not isinstance(starts_at, datetime) or not isinstance(ends_at, datetime):
        raise DomainError(_l("A session needs a start and an end time."), field="starts_at")
    if not (course.starts_on <= starts_at.date() <= course.ends_on):
        raise DomainError(_l("A session must be within the course's dates."), field="starts_at")
    group_id = _course_group(course)
    return timetable.add_lesson(course.service_id, starts_at, ends_at, room_id=room_id,
                                instructor_id=instructor_id or course.instructor_id,
                                group_id=group_id, notes=course.title)


def free_cancelled_course_rooms(course):
    """A cancelled course gives its rooms and instructor back: its planned sessions are
    cancelled in the timetable (a session already held stays). Returns the lessons cancelled."""
    if not course.cancelled or not course.group_id:
        return []
    planned = list(db.session.execute(
        select(Lesson).where(Lesson.group_id == course.group_id,
                             Lesson.status == LESSON_PLANNED)).scalars())
    return [timetable.cancel_lesson(lesson) for lesson in planned]


def course_sessions(course):
    """The course's lessons that are not cancelled, in time order."""
    if not course.group_id:
        return []
    return list(db.session.execute(
        select(Lesson).where(Lesson.group_id == course.group_id,
                             Lesson.status != LESSON_CANCELLED)
        .order_by(Lesson.starts_at, Lesson.id)).scalars())


# --- programme file --------------------------------------------------------------------------

def programme_folder():
    folder = os.path.join(current_app.config["UPLOAD_FOLDER"], "courses")
    os.makedirs(folder, exist_ok=True)
    return folder


def attach_programme(course_id, filename, data, content_type=None):
    """Store the course's programme (the same types and size limit as client documents),
    replacing the previous one."""
    course = get_course(course_id)
    extension = check_document(filename, data)
    stored = f"{uuid.uuid4().hex}.{extension}"
    with open(os.path.join(programme_folder(), stored), "wb") as handle:
        handle.write(data)
    old = course.programme_stored_name
    course.programme_filename = os.path.basename(filename)[:255]
    course.programme_stored_name = stored
    course.programme_content_type = content_type
    db.session.flush()
    if old:
        try:
            os.remove(os.path.join(programme_folder(), old))
        except OSError:
            pass
    return course


def programme_path(course):
    if not course.programme_stored_name:
        raise NotFound(_l("This course has no programme file."))
    return os.path.join(programme_folder(), course.programme_stored_name)


def course_hours(course):
    """The hours of a course: the length of its sessions not cancelled, in hours (two places)."""
    from decimal import Decimal

    minutes = sum(((lesson.ends_at - lesson.starts_at).total_seconds() / 60
                   for lesson in course_sessions(course)), 0.0)
    return (Decimal(int(round(minutes))) / 60).quantize(Decimal("0.01"))
