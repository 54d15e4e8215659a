"""Learning results (the "electronic diary"): recorded per participant per lesson, only by the
lesson's instructor or a manager, only for the lesson's participants (a course's included),
replaced on re-recording, removed when emptied."""
from datetime import date, datetime

import pytest

from app.models.staff import Employee
from app.models.timetable import LessonResult
from app.security import INSTRUCTOR, MANAGER
from app.services import timetable
from app.services.courses import catalogue, registrations
from app.services.platform import DomainError, Forbidden
from tests.factories.courses import make_company, make_course
from tests.factories.timetable import make_group, make_lesson, new_client


def _lesson():
    group = make_group(members=3)
    return make_lesson(group), group.test_clients


def test_a_manager_records_marks_and_observations(db, make_user):
    lesson, (a, b, c) = _lesson()
    manager = make_user(MANAGER)
    saved = timetable.record_results(lesson.id, [
        {"client_id": a.id, "mark": " 5 ", "comment": "Reads fluently"},
        {"client_id": b.id, "mark": "4"}], user=manager)
    assert {cid: (r.mark, r.comment) for cid, r in saved.items()} == {
        a.id: ("5", "Reads fluently"), b.id: ("4", None)}
    # again: replaced, and emptied is removed
    saved = timetable.record_results(lesson.id, [
        {"client_id": a.id, "mark": "4", "comment": ""}, {"client_id": b.id, "mark": ""}],
        user=manager)
    assert {cid: (r.mark, r.comment) for cid, r in saved.items()} == {a.id: ("4", None)}
    assert db.session.query(LessonResult).count() == 1
    assert c.id not in saved


def test_only_the_lessons_instructor_or_a_manager(db, make_user):
    lesson, members = _lesson()
    member = members[0]
    stranger = make_user(INSTRUCTOR)
    with pytest.raises(Forbidden):
        timetable.record_results(lesson.id, [{"client_id": member.id, "mark": "5"}],
                                 user=stranger)
    teacher = make_user(INSTRUCTOR)
    db.session.get(Employee, lesson.instructor_id).user_id = teacher.id
    db.session.flush()
    saved = timetable.record_results(lesson.id, [{"client_id": member.id, "mark": "5"}],
                                     user=teacher)
    assert saved[member.id].mark == "5"


def test_only_participants_and_valid_fields(db, make_user):
    lesson, members = _lesson()
    member = members[0]
    outsider = new_client()
    manager = make_user(MANAGER)
    with pytest.raises(DomainError) as refused:
        timetable.record_results(lesson.id, [{"client_id": outsider.id, "mark": "5"}],
                                 user=manager)
    assert refused.value.field == "client_id"
    with pytest.raises(DomainError) as refused:
        timetable.record_results(lesson.id, [{"client_id": member.id, "mark": "x" * 21}],
                                 user=manager)
    assert refused.value.field == "mark"
    with pytest.raises(DomainError) as refused:
        timetable.record_results(lesson.id, [{"client_id": member.id, "comment": ["no"]}],
                                 user=manager)
    assert refused.value.field == "comment"
    with pytest.raises(DomainError) as refused:
        timetable.record_results(lesson.id, [{"client_id": "1"}], user=manager)
    assert refused.value.field == "client_id"
    lesson.status = "cancelled"
    db.session.flush()
    with pytest.raises(DomainError) as refused:
        timetable.record_results(lesson.id, [{"client_id": member.id, "mark": "5"}],
                                 user=manager)
    assert refused.value.field == "lesson"
    assert db.session.query(LessonResult).count() == 0


def test_a_courses_participants_have_results_at_its_sessions(db, make_user):
    course = make_course(starts_on=date(2026, 6, 1))
    company, people = make_company(people=2)
    registrations.register(course.id, [{"client_id": p.id} for p in people],
                           organisation_id=company.id)
    session = catalogue.add_session(course.id, datetime(2026, 6, 1, 10), datetime(2026, 6, 1, 13))
    manager = make_user(MANAGER)
    saved = timetable.record_results(session.id, [{"client_id": people[0].id, "mark": "A"}],
                                     user=manager)
    assert saved[people[0].id].mark == "A"
    assert [r.mark for r in timetable.client_results([people[0].id])] == ["A"]


def test_numeric_marks_for_the_chart():
    assert timetable.numeric_mark("4,5") == 4.5
    assert timetable.numeric_mark("A") is None
