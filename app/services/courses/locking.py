"""Serialising the changes that count or number a course's participants."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.extensions import db
from app.models.courses import Course
from app.services.platform import NotFound


def lock_course(course_id):
    """Load the course holding a lock on its row until the transaction ends: registrations
    (capacity) and certificates (numbering) of one course happen one at a time. PostgreSQL:
    ``FOR UPDATE``; SQLite: writing first takes the database write lock before anything is read
    (a write that changes nothing, so an edit form open on the course does not go stale)."""
    session = db.session
    table = Course.__table__
    if session.get_bind().dialect.name == "postgresql":
        query = select(Course).where(Course.id == course_id).with_for_update(of=table)
    else:
        session.execute(table.update().where(table.c.id == course_id)
                        .values(id=table.c.id))
        query = select(Course).where(Course.id == course_id)
    course = session.execute(query.execution_options(populate_existing=True)).scalar_one_or_none()
    if course is None:
        raise NotFound(_l("No such course."))
    return course
