"""Marking fast: "all present" then the exceptions; an instructor undoes its own marking within
the undo window (default: until the end of the day it was marked)."""
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from app.extensions import db
from app.models.passes import Pass
from app.models.timetable import Attendance, Lesson
from app.security import FRONT_DESK, INSTRUCTOR
from tests.factories.timetable import give_passes, make_employee, make_group, make_lesson


def _lesson(members=3, **group):
    group = make_group(members=members, **group)
    passes = give_passes(group.test_clients, group.service)
    lesson = make_lesson(group, starts_at=datetime.combine(date.today(), time(10)))
    db.session.commit()
    return group, lesson, passes


def _statuses(lesson):
    db.session.expire_all()
    return {row.client_id: row.status for row in db.session.scalars(
        select(Attendance).where(Attendance.lesson_id == lesson.id))}


def test_all_present_marks_everyone_and_the_lesson_held_then_exceptions(login):
    group, lesson, passes = _lesson()
    desk = login(FRONT_DESK)
    page = desk.get(f"/attendance/{lesson.id}").get_data(as_text=True)
    assert 'id="all-present"' in page
    first, second, third = group.test_clients
    # one exception chosen before the click: it stays
    desk.post(f"/attendance/{lesson.id}/save", data={"all_present": "1",
                                                     f"status_{third.id}": "excused"})
    assert _statuses(lesson) == {first.id: "present", second.id: "present", third.id: "excused"}
    assert db.session.get(Lesson, lesson.id).status == "held"
    assert [db.session.get(Pass, p.id).sessions_used for p in passes] == [1, 1, 0]
    # an exception after: the session comes back
    desk.post(f"/attendance/{lesson.id}/save", data={f"status_{second.id}": "absent",
                                                     "held": "0"})
    assert _statuses(lesson)[second.id] == "absent"
    assert [db.session.get(Pass, p.id).sessions_used for p in passes] == [1, 0, 0]


def _teacher_lesson(login):
    client = login(INSTRUCTOR, "teacher_undo")
    from app.extensions import appbuilder

    me = make_employee(user_id=appbuilder.sm.find_user(username="teacher_undo").id)
    _group, lesson, passes = _lesson(instructor=me)
    return client, lesson, passes


def test_instructor_undoes_own_marking_the_same_day(login):
    teacher, lesson, passes = _teacher_lesson(login)
    teacher.post(f"/attendance/{lesson.id}/save", data={"all_present": "1"})
    db.session.expire_all()
    assert db.session.get(Lesson, lesson.id).status == "held"
    assert 'id="undo-held"' in teacher.get(f"/attendance/{lesson.id}").get_data(as_text=True)
    teacher.post(f"/attendance/{lesson.id}/undo")
    db.session.expire_all()
    assert db.session.get(Lesson, lesson.id).status == "planned"
    assert [db.session.get(Pass, p.id).sessions_used for p in passes] == [0, 0, 0]


def test_instructor_cannot_undo_after_the_window_but_the_desk_can(login):
    teacher, lesson, _passes = _teacher_lesson(login)
    teacher.post(f"/attendance/{lesson.id}/save", data={"all_present": "1"})
    db.session.expire_all()
    db.session.get(Lesson, lesson.id).held_at = datetime.now() - timedelta(days=1)
    db.session.commit()
    assert 'id="undo-held"' not in teacher.get(f"/attendance/{lesson.id}").get_data(as_text=True)
    page = teacher.post(f"/attendance/{lesson.id}/undo", follow_redirects=True)
    assert "The time to undo this marking is over" in page.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Lesson, lesson.id).status == "held"
    login(FRONT_DESK).post(f"/attendance/{lesson.id}/undo")
    db.session.expire_all()
    assert db.session.get(Lesson, lesson.id).status == "planned"


def test_undo_window_in_minutes(app, login):
    from app.services.timetable.attendance import undo_window_open

    teacher, lesson, _passes = _teacher_lesson(login)
    teacher.post(f"/attendance/{lesson.id}/save", data={"held": "1"})
    db.session.expire_all()
    lesson = db.session.get(Lesson, lesson.id)
    held_at = lesson.held_at
    app.config["ATTENDANCE_UNDO_WINDOW"] = 30
    try:
        assert undo_window_open(lesson, now=held_at + timedelta(minutes=29))
        assert not undo_window_open(lesson, now=held_at + timedelta(minutes=31))
    finally:
        app.config.pop("ATTENDANCE_UNDO_WINDOW")
    assert undo_window_open(lesson, now=held_at.replace(hour=23, minute=59))
    assert not undo_window_open(lesson, now=held_at + timedelta(days=1))
