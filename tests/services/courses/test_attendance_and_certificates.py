"""Attendance per session (only the session's instructor or a manager) and certificates."""
from datetime import date, datetime

import pytest

from app.models.staff import Employee
from app.security import INSTRUCTOR, MANAGER
from app.services.courses import attendance, catalogue, certificates, registrations
from app.services.platform import Conflict, DomainError, Forbidden, NotFound
from tests.factories.courses import make_company, make_course


def _course_with_people(n=3):
    course = make_course(starts_on=date(2026, 6, 1), ends_on=date(2026, 6, 2),
                         certificate_series="MED")
    company, people = make_company(people=n)
    _, participants = registrations.register(course.id, [{"client_id": p.id} for p in people],
                                             organisation_id=company.id)
    return course, participants


def test_attendance_is_marked_per_session(db, make_user):
    course, participants = _course_with_people()
    day1 = catalogue.add_session(course.id, datetime(2026, 6, 1, 10), datetime(2026, 6, 1, 13))
    day2 = catalogue.add_session(course.id, datetime(2026, 6, 2, 10), datetime(2026, 6, 2, 13))
    manager = make_user(MANAGER)
    attendance.mark_session(course.id, day1.id, {participants[0].id: True,
                                                 participants[1].id: False}, user=manager)
    attendance.mark_session(course.id, day1.id, {participants[1].id: True}, user=manager)
    attendance.mark_session(course.id, day2.id, {participants[2].id: True}, user=manager)
    grid = attendance.attendance_grid(course.id, [day1.id, day2.id])
    assert grid == {(participants[0].id, day1.id): True, (participants[1].id, day1.id): True,
                    (participants[2].id, day2.id): True}


def test_only_the_sessions_instructor_marks_it(db, make_user):
    course, participants = _course_with_people(1)
    session = catalogue.add_session(course.id, datetime(2026, 6, 1, 10), datetime(2026, 6, 1, 13))
    stranger = make_user(INSTRUCTOR)
    with pytest.raises(Forbidden):
        attendance.mark_session(course.id, session.id, {participants[0].id: True}, user=stranger)
    teacher = make_user(INSTRUCTOR)
    db.session.get(Employee, course.instructor_id).user_id = teacher.id
    db.session.flush()
    attendance.mark_session(course.id, session.id, {participants[0].id: True}, user=teacher)


def test_only_participants_and_the_courses_sessions(db, make_user):
    course, participants = _course_with_people(1)
    other, others = _course_with_people(1)
    session = catalogue.add_session(course.id, datetime(2026, 6, 1, 10), datetime(2026, 6, 1, 11))
    manager = make_user(MANAGER)
    with pytest.raises(DomainError):
        attendance.mark_session(course.id, session.id, {others[0].id: True}, user=manager)
    with pytest.raises(NotFound):
        attendance.mark_session(other.id, session.id, {others[0].id: True}, user=manager)


def test_a_certificate_number_is_issued_once(db):
    course, participants = _course_with_people(3)
    first = certificates.certify(course.id, participants[0].id, "passed", grade="5")
    failed = certificates.certify(course.id, participants[1].id, "failed", grade="2")
    second = certificates.certify(course.id, participants[2].id, "passed")
    assert (first.certificate_number, second.certificate_number) == ("MED-0001", "MED-0002")
    assert failed.certificate_number is None and failed.result == "failed"
    again = certificates.certify(course.id, participants[0].id, "passed", grade="4")
    assert again.certificate_number == "MED-0001" and again.grade == "4"
    assert course.certificate_last_number == 2
    with pytest.raises(Conflict):
        certificates.certify(course.id, participants[0].id, "failed")
    with pytest.raises(DomainError):
        certificates.certify(course.id, participants[1].id, "excellent")
    late = certificates.certify(course.id, participants[1].id, "passed")
    assert late.certificate_number == "MED-0003"


def test_a_participant_of_another_course_is_not_certified_here(db):
    course, _ = _course_with_people(1)
    _, others = _course_with_people(1)
    with pytest.raises(NotFound):
        certificates.certify(course.id, others[0].id)
