"""Attendance marking: write-offs per policy, idempotence, undo, time windows, owed visits,
instructor restrictions, and twenty people saving one lesson at once."""
import threading
from datetime import date, datetime, time

import pytest
from sqlalchemy import func, select

from app.models.passes import Pass, SessionWriteOff
from app.models.timetable import Attendance, Lesson
from app.security import FRONT_DESK, INSTRUCTOR
from app.services.timetable import attendance
from app.services.platform.errors import DomainError, Forbidden
from app.services.money.payments import client_balances
from tests.factories.timetable import (give_passes, make_employee, make_group, make_lesson,
                                       new_client)

TODAY = date.today()


def setup_lesson(members=3, hour=10, **pass_kwargs):
    group = make_group(members=members)
    passes = give_passes(group.test_clients, group.service, **pass_kwargs)
    lesson = make_lesson(group, starts_at=datetime.combine(TODAY, time(hour, 0)))
    return lesson, group.test_clients, passes


def marks(clients, status="present"):
    return [{"client_id": c.id, "status": status} for c in clients]


def used(db, pass_):
    return db.session.scalar(select(Pass.sessions_used).where(Pass.id == pass_.id))


def live_write_offs(db):
    return db.session.scalar(select(func.count(SessionWriteOff.id))
                             .where(SessionWriteOff.cancelled.is_(False)))


def test_mark_held_writes_off_present_and_late_only(db):
    lesson, clients, passes = setup_lesson(members=4)
    result = attendance.mark_attendance(lesson.id, [
        {"client_id": clients[0].id, "status": "present"},
        {"client_id": clients[1].id, "status": "late"},
        {"client_id": clients[2].id, "status": "excused"},
    ], held=True)
    db.session.commit()
    assert lesson.status == "held" and lesson.held_at is not None
    assert sorted(w.client_id for w in result.written_off) == [clients[0].id, clients[1].id]
    assert [used(db, p) for p in passes] == [1, 1, 0, 0]
    rows = {row.client_id: row.status for row in db.session.scalars(select(Attendance))}
    assert rows[clients[3].id] == "absent"  # unmarked members are recorded absent


def test_marking_without_held_saves_statuses_only(db):
    lesson, clients, passes = setup_lesson()
    attendance.mark_attendance(lesson.id, marks(clients))
    db.session.commit()
    assert lesson.status == "planned" and live_write_offs(db) == 0


def test_marking_again_changes_nothing_twice(db):
    lesson, clients, passes = setup_lesson()
    attendance.mark_attendance(lesson.id, marks(clients), held=True)
    db.session.commit()
    again = attendance.mark_attendance(lesson.id, marks(clients), held=True)
    db.session.commit()
    assert again.written_off == [] and again.cancelled == []
    assert [used(db, p) for p in passes] == [1, 1, 1] and live_write_offs(db) == 3


def test_present_to_absent_cancels_and_back_writes_off_again(db):
    lesson, clients, passes = setup_lesson()
    attendance.mark_attendance(lesson.id, marks(clients), held=True)
    db.session.commit()
    change = attendance.mark_attendance(lesson.id, marks(clients[:1], "absent"))
    db.session.commit()
    assert len(change.cancelled) == 1 and used(db, passes[0]) == 0
    back = attendance.mark_attendance(lesson.id, marks(clients[:1], "present"))
    db.session.commit()
    assert len(back.written_off) == 1 and used(db, passes[0]) == 1
    assert live_write_offs(db) == 3


def test_undo_held_gives_the_sessions_back(db):
    lesson, clients, passes = setup_lesson()
    attendance.mark_attendance(lesson.id, marks(clients), held=True)
    db.session.commit()
    result = attendance.undo_held(lesson.id)
    db.session.commit()
    assert len(result.cancelled) == 3 and lesson.status == "planned"
    assert [used(db, p) for p in passes] == [0, 0, 0] and live_write_offs(db) == 0
    assert all(row.write_off_id is None for row in db.session.scalars(select(Attendance)))
    with pytest.raises(DomainError):
        attendance.undo_held(lesson.id)
    db.session.rollback()
    attendance.mark_attendance(lesson.id, marks(clients), held=True)
    db.session.commit()
    assert [used(db, p) for p in passes] == [1, 1, 1]


def test_enrolled_policy_charges_absent_but_not_excused(db):
    lesson, clients, passes = setup_lesson()
    attendance.mark_attendance(lesson.id, [{"client_id": clients[0].id, "status": "excused"}],
                               held=True, policy=attendance.POLICY_ENROLLED)
    db.session.commit()
    assert [used(db, p) for p in passes] == [0, 1, 1]


def test_enrolled_policy_from_config(app, db):
    lesson, clients, passes = setup_lesson()
    app.config["ATTENDANCE_WRITE_OFF_POLICY"] = "enrolled"
    try:
        attendance.mark_attendance(lesson.id, [], held=True)
        db.session.commit()
    finally:
        del app.config["ATTENDANCE_WRITE_OFF_POLICY"]
    assert [used(db, p) for p in passes] == [1, 1, 1]


def test_time_window_outside_the_pass_makes_an_owed_visit(db):
    lesson, clients, passes = setup_lesson(members=1, hour=19, time_window="morning")
    result = attendance.mark_attendance(lesson.id, marks(clients), held=True)
    db.session.commit()
    write_off = result.written_off[0]
    assert write_off.pass_id is None and write_off.charge_id is not None
    assert used(db, passes[0]) == 0


def test_time_window_inside_the_pass_uses_it(db):
    lesson, clients, passes = setup_lesson(members=1, hour=9, time_window="morning")
    result = attendance.mark_attendance(lesson.id, marks(clients), held=True)
    db.session.commit()
    assert result.written_off[0].pass_id == passes[0].id


def test_no_pass_records_an_owed_visit_at_the_single_visit_price_and_undo_cancels_it(db):
    group = make_group(members=1)
    client = group.test_clients[0]
    lesson = make_lesson(group)
    before = client_balances([client.id])[client.id]
    result = attendance.mark_attendance(lesson.id, marks([client]), held=True)
    db.session.commit()
    assert result.written_off[0].pass_id is None
    assert client_balances([client.id])[client.id] - before == group.service.single_visit_price
    attendance.undo_held(lesson.id)
    db.session.commit()
    assert client_balances([client.id])[client.id] == before


def test_non_members_unknown_statuses_and_cancelled_lessons_are_refused(db):
    lesson, clients, _ = setup_lesson()
    stranger = new_client()
    db.session.commit()
    with pytest.raises(DomainError):
        attendance.mark_attendance(lesson.id, [{"client_id": stranger.id,
                                                "status": "present"}])
    db.session.rollback()
    with pytest.raises(DomainError):
        attendance.mark_attendance(lesson.id, marks(clients, "asleep"))
    db.session.rollback()
    db.session.get(Lesson, lesson.id).status = "cancelled"
    db.session.commit()
    with pytest.raises(DomainError):
        attendance.mark_attendance(lesson.id, marks(clients))


def test_instructor_marks_only_own_lessons(db, make_user):
    teacher = make_user(INSTRUCTOR)
    desk = make_user(FRONT_DESK)
    mine = make_employee(user_id=teacher.id)
    own = make_lesson(make_group(members=1, instructor=mine))
    other, clients, _ = setup_lesson(hour=15)
    db.session.commit()
    attendance.mark_attendance(own.id, [], held=True, user=teacher)
    with pytest.raises(Forbidden):
        attendance.mark_attendance(other.id, marks(clients), held=True, user=teacher)
    db.session.rollback()
    attendance.mark_attendance(other.id, marks(clients), held=True, user=desk)


def test_check_in_to_lesson_writes_off_once_and_held_keeps_it(db):
    lesson, clients, passes = setup_lesson()
    first = attendance.check_in_to_lesson(lesson.id, clients[0].id)
    db.session.commit()
    second = attendance.check_in_to_lesson(lesson.id, clients[0].id)
    db.session.commit()
    assert first.id == second.id and used(db, passes[0]) == 1
    attendance.mark_attendance(lesson.id, marks(clients), held=True)
    db.session.commit()
    assert [used(db, p) for p in passes] == [1, 1, 1]


def test_check_in_to_service_walk_in(db):
    lesson, clients, passes = setup_lesson(members=1)
    walk_in = attendance.check_in_to_service(clients[0].id, lesson.service_id,
                                             datetime.combine(TODAY, time(11)))
    assert walk_in.write_off.pass_id == passes[0].id and not walk_in.repeated


def test_twenty_people_marking_one_lesson_write_off_once(app, db):
    lesson, clients, passes = setup_lesson(members=5)
    db.session.commit()
    lesson_id = lesson.id
    payload = marks(clients[:4])
    errors = []
    barrier = threading.Barrier(20)

    def mark():
        with app.app_context():
            from app.extensions import db as thread_db

            try:
                barrier.wait(timeout=30)
                attendance.mark_attendance(lesson_id, payload, held=True)
                thread_db.session.commit()
            except Exception as exc:  # collected and asserted below
                thread_db.session.rollback()
                errors.append(exc)
            finally:
                thread_db.session.remove()

    threads = [threading.Thread(target=mark) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    db.session.expire_all()
    per_client = dict(db.session.execute(
        select(SessionWriteOff.client_id, func.count(SessionWriteOff.id))
        .where(SessionWriteOff.cancelled.is_(False)).group_by(SessionWriteOff.client_id)).all())
    assert per_client == {c.id: 1 for c in clients[:4]}
    assert [used(db, p) for p in passes] == [1, 1, 1, 1, 0]
    assert db.session.scalar(select(func.count(Attendance.id))) == 5
