"""The warning to a course's responsible manager when it is short of people before it starts.

A course that is not cancelled, starts within the next ``COURSE_MIN_WARNING_DAYS`` days (7 by
default) and has fewer participants than its minimum gets one task for its manager (the course's
manager, else whoever created it) — once per course: the task is claimed on the course row with a
conditional UPDATE, so two runs at once still create one task.
"""
from datetime import date, timedelta

from flask import current_app, has_app_context
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from app.extensions import db
from app.models.courses import Course, CourseParticipant
from app.services import communication

DEFAULT_WARNING_DAYS = 7


def warning_days():
    if has_app_context():
        return int(current_app.config.get("COURSE_MIN_WARNING_DAYS", DEFAULT_WARNING_DAYS))
    return DEFAULT_WARNING_DAYS


def courses_below_minimum(today=None, days=None):
    """``[(course, participants)]`` due a warning today (not yet warned)."""
    today = today or date.today()
    days = warning_days() if days is None else days
    counts = (select(CourseParticipant.course_id, func.count(CourseParticipant.id).label("n"))
              .group_by(CourseParticipant.course_id).subquery())
    rows = db.session.execute(
        select(Course, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.course_id == Course.id)
        .where(Course.cancelled.is_(False), Course.min_warning_task_id.is_(None),
               Course.starts_on >= today, Course.starts_on <= today + timedelta(days=days),
               Course.min_participants > func.coalesce(counts.c.n, 0))
        .order_by(Course.starts_on, Course.id)).all()
    return [(course, count) for course, count in rows]


def warn_courses_below_minimum(today=None, days=None):
    """Create the warning tasks due today; returns the tasks created."""
    today = today or date.today()
    created = []
    for course, count in courses_below_minimum(today, days):
        task = communication.create_task(
            str(_l("Course \"%(title)s\" starts on %(date)s with %(count)s of at least "
                   "%(minimum)s participants.", title=course.title,
                   date=course.starts_on.isoformat(), count=count,
                   minimum=course.min_participants)),
            today, manager_id=course.manager_id or course.created_by_fk)
        claimed = db.session.execute(
            update(Course).where(Course.id == course.id, Course.min_warning_task_id.is_(None))
            .values(min_warning_task_id=task.id, version=Course.version + 1)
            .execution_options(synchronize_session=False))
        if claimed.rowcount != 1:
            db.session.delete(task)
            continue
        created.append(task)
    db.session.flush()
    return created
