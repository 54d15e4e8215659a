"""Certification: a participant's result, and for a pass a certificate number from the course's
series, issued once.

Numbers are ``<series>-<n>`` with n = 1, 2, 3 … per course, without gaps or duplicates even when
many are certified at once: the course row is locked, its counter moves in the same transaction
that stores the number (a rolled-back certification gives its number back), and a unique
constraint (course, number) is the last line of defence. The ``certified`` listeners hear of
a number once, when it is issued (the certificate of completion document).
"""
from datetime import date

from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.models.courses import CERTIFICATION_RESULTS, RESULT_PASSED, CourseParticipant
from app.services.courses import hooks
from app.services.courses.locking import lock_course
from app.services.platform import Conflict, DomainError, NotFound


def format_certificate_number(series, number):
    return f"{series}-{number:04d}" if series else f"{number:04d}"


def certify(course_id, participant_id, result=RESULT_PASSED, grade=None, on=None):
    """Record the participant's result (and grade); a pass is given the next certificate number
    unless it already has one (a number is never changed nor issued twice)."""
    if result not in CERTIFICATION_RESULTS:
        raise DomainError(_l("Unknown certification result: %(result)s.", result=result),
                          field="result")
    course = lock_course(course_id)
    participant = db.session.get(CourseParticipant, participant_id,
                                 populate_existing=True)
    if participant is None or participant.course_id != course.id:
        raise NotFound(_l("No such participant on this course."), field="participant")
    if participant.certificate_number:
        if result != RESULT_PASSED:
            raise Conflict(_l("A certificate was already issued: %(number)s.",
                              number=participant.certificate_number), field="result")
        if grade is not None:
            participant.grade = grade
        db.session.flush()
        return participant
    participant.result = result
    participant.grade = grade
    if result == RESULT_PASSED:
        course.certificate_last_number = (course.certificate_last_number or 0) + 1
        participant.certificate_number = format_certificate_number(
            course.certificate_series, course.certificate_last_number)
        participant.certified_on = on or date.today()
        db.session.flush()
        hooks.fire(hooks.CERTIFIED, participant)
    db.session.flush()
    return participant
