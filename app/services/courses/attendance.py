"""Attendance per session of a course, kept by the course (not the timetable's attendance:
that one writes off pass sessions, while a course is paid by its registration).

Only the session's instructor or a manager marks it (the timetable's rule), and only the
course's participants can be marked; marking again overwrites the earlier marks.
"""
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.extensions import db
from app.models.courses import Course, CourseAttendance, CourseParticipant
from app.models.timetable import LESSON_CANCELLED, Lesson
from app.services import timetable
from app.services.courses.catalogue import get_course
from app.services.platform import DomainError, NotFound


def _course_lesson(course, lesson_id):
    lesson = db.session.get(Lesson, lesson_id)
    if lesson is None or not course.group_id or lesson.group_id != course.group_id:
        raise NotFound(_l("This session is not one of the course's."), field="lesson")
    if lesson.status == LESSON_CANCELLED:
        raise DomainError(_l("A cancelled lesson cannot be marked."), field="lesson")
    return lesson


def mark_session(course_id, lesson_id, marks, user=None):
    """Save who came to a session: ``marks`` is ``{participant id: present (bool)}``."""
    course = get_course(course_id)
    lesson = _course_lesson(course, lesson_id)
    timetable.ensure_may_mark(lesson, user)
    participants = set(db.session.execute(
        select(CourseParticipant.id).where(CourseParticipant.course_id == course.id)).scalars())
    unknown = set(marks) - participants
    if unknown:
        raise DomainError(_l("Only the course's participants can be marked."), field="participant")
    rows = {row.participant_id: row for row in db.session.execute(
        select(CourseAttendance).where(CourseAttendance.lesson_id == lesson.id)).scalars()}
    for participant_id, present in marks.items():
        row = rows.get(participant_id)
        if row is None:
            db.session.add(CourseAttendance(participant_id=participant_id, lesson_id=lesson.id,
                                            present=bool(present)))
        elif row.present != bool(present):
            row.present = bool(present)
    db.session.flush()
    return lesson


def attendance_grid(course_id, lesson_ids):
    """``{(participant id, lesson id): present}`` for the course's marked sessions, one query."""
    if not lesson_ids:
        return {}
    rows = db.session.execute(
        select(CourseAttendance.participant_id, CourseAttendance.lesson_id,
               CourseAttendance.present)
        .join(CourseParticipant, CourseParticipant.id == CourseAttendance.participant_id)
        .where(CourseParticipant.course_id == course_id,
               CourseAttendance.lesson_id.in_(lesson_ids)))
    return {(p, lesson): present for p, lesson, present in rows}


def session_participant_ids(lesson):
    """The participants (client ids) of the course whose session ``lesson`` is, for the
    timetable's learning results; none when it is no course's session."""
    if not lesson.group_id:
        return []
    return list(db.session.execute(
        select(CourseParticipant.client_id)
        .join(Course, Course.id == CourseParticipant.course_id)
        .where(Course.group_id == lesson.group_id)).scalars())


timetable.register_participant_source(session_participant_ids)
