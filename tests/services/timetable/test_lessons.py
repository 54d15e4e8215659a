"""Timetable rules: generation from patterns, single lessons, conflicts, red flags, scope."""
from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from app.models.staff import Employee
from app.models.timetable import GroupMember, Lesson
from app.security import FRONT_DESK, INSTRUCTOR
from app.services.timetable import lessons as timetable
from app.services.platform.errors import DomainError, Forbidden
from app.services.timetable.grid import WEEK, build_grid
from tests.factories.passes import make_service
from tests.factories.timetable import (give_passes, make_employee, make_group, make_holiday,
                                       make_lesson, make_pattern, make_room,
                                       new_client)

MONDAY = date(2026, 3, 2)


def at(day, hour, minute=0):
    return datetime.combine(day, time(hour, minute))


def lesson_count(db):
    return db.session.scalar(select(func.count(Lesson.id)))


def test_generation_creates_weekly_lessons_and_is_idempotent(db):
    group = make_group(members=2)
    make_pattern(group, weekday=0, start=time(18, 0), duration=90)
    make_pattern(group, weekday=3, start=time(9, 30))
    first = timetable.generate_lessons(MONDAY, MONDAY + timedelta(days=13))
    db.session.commit()
    assert len(first.created) == 4
    starts = sorted(lesson.starts_at for lesson in first.created)
    assert starts[0] == at(MONDAY, 18) and starts[1] == at(MONDAY + timedelta(days=3), 9, 30)
    assert first.created[0].ends_at - first.created[0].starts_at in (
        timedelta(minutes=90), timedelta(minutes=60))
    again = timetable.generate_lessons(MONDAY, MONDAY + timedelta(days=13))
    db.session.commit()
    assert again.created == [] and lesson_count(db) == 4


def test_generation_respects_validity_holidays_and_moved_or_cancelled_lessons(db):
    group = make_group(members=1)
    make_pattern(group, weekday=0, valid_from=MONDAY + timedelta(days=7),
                 valid_to=MONDAY + timedelta(days=27))
    make_holiday(MONDAY + timedelta(days=14), MONDAY + timedelta(days=16))
    result = timetable.generate_lessons(MONDAY, MONDAY + timedelta(days=34))
    db.session.commit()
    days = sorted(lesson.pattern_date for lesson in result.created)
    assert days == [MONDAY + timedelta(days=7), MONDAY + timedelta(days=21)]
    assert (result.skipped[0][1], result.skipped[0][2]) == (MONDAY + timedelta(days=14), "holiday")
    moved, cancelled = sorted(result.created, key=lambda lesson: lesson.starts_at)
    timetable.move_lesson(moved, moved.starts_at + timedelta(days=1))
    timetable.cancel_lesson(cancelled)
    db.session.commit()
    assert timetable.generate_lessons(MONDAY, MONDAY + timedelta(days=34)).created == []
    assert lesson_count(db) == 2


def test_generation_skips_a_slot_whose_room_is_taken(db):
    room = make_room()
    first = make_group(room=room)
    second = make_group(room=room)
    make_pattern(first, weekday=0)
    make_pattern(second, weekday=0, start=time(10, 30))
    result = timetable.generate_lessons(MONDAY, MONDAY)
    assert len(result.created) == 1 and result.skipped[0][2] == "room"


def test_room_double_booking_is_refused_naming_the_other_lesson(db):
    existing = make_lesson(starts_at=at(MONDAY, 10))
    other_group = make_group(room_id=existing.room_id)
    with pytest.raises(timetable.LessonConflict) as error:
        timetable.add_lesson(other_group.service_id, at(MONDAY, 10, 30), at(MONDAY, 11, 30),
                             room_id=existing.room_id, group_id=other_group.id,
                             instructor_id=other_group.instructor_id)
    message = str(error.value.message)
    assert existing.room.name in message and existing.group.name in message
    assert error.value.details["other_lesson_id"] == existing.id
    # back to back is fine
    timetable.add_lesson(other_group.service_id, at(MONDAY, 11), at(MONDAY, 12),
                         room_id=existing.room_id, group_id=other_group.id)


def test_instructor_double_booking_is_refused(db):
    existing = make_lesson(starts_at=at(MONDAY, 10))
    other = make_group(instructor_id=existing.instructor_id)
    with pytest.raises(timetable.LessonConflict) as error:
        timetable.add_lesson(other.service_id, at(MONDAY, 9, 30), at(MONDAY, 10, 15),
                             room_id=other.room_id, instructor_id=existing.instructor_id,
                             group_id=other.id)
    assert existing.instructor.full_name in str(error.value.message)


def test_group_larger_than_the_room_is_refused(db):
    small = make_room(capacity=2)
    group = make_group(members=3)
    with pytest.raises(timetable.LessonConflict) as error:
        timetable.add_lesson(group.service_id, at(MONDAY, 10), at(MONDAY, 11), room_id=small.id,
                             group_id=group.id)
    assert small.name in str(error.value.message) and "3" in str(error.value.message)


def test_client_in_two_lessons_at_once_is_refused(db):
    client = new_client()
    first = make_group(members=[client])
    make_lesson(first, starts_at=at(MONDAY, 10))
    with pytest.raises(timetable.LessonConflict) as error:
        timetable.add_lesson(make_service().id, at(MONDAY, 10, 30), at(MONDAY, 11, 30),
                             room_id=make_room().id, client_id=client.id)
    assert client.full_name in str(error.value.message)


def test_move_checks_conflicts_at_the_new_place_and_cancel_frees_it(db):
    a = make_lesson(starts_at=at(MONDAY, 10))
    b = make_lesson(starts_at=at(MONDAY, 12), room_id=a.room_id)
    with pytest.raises(timetable.LessonConflict):
        timetable.move_lesson(b, at(MONDAY, 10, 30))
    db.session.rollback()
    timetable.cancel_lesson(a)
    timetable.move_lesson(b, at(MONDAY, 10, 30))
    assert b.ends_at == at(MONDAY, 11, 30)


def test_a_held_lesson_cannot_be_cancelled_or_moved(db):
    lesson = make_lesson(status="held")
    with pytest.raises(DomainError):
        timetable.cancel_lesson(lesson)
    with pytest.raises(DomainError):
        timetable.move_lesson(lesson, lesson.starts_at + timedelta(hours=2))


def test_enrolment_respects_capacity_and_dates(db):
    group = make_group(members=1, capacity=2)
    timetable.enrol_client(group, new_client().id, MONDAY)
    with pytest.raises(DomainError):
        timetable.enrol_client(group, new_client().id, MONDAY)
    member = db.session.scalars(select(GroupMember).where(GroupMember.group_id == group.id)).first()
    timetable.leave_group(member, MONDAY + timedelta(days=7))
    lesson_before = make_lesson(group, starts_at=at(MONDAY + timedelta(days=6), 10))
    lesson_after = make_lesson(group, starts_at=at(MONDAY + timedelta(days=7), 10))
    members = timetable.members_by_lesson([lesson_before, lesson_after])
    assert len(members[lesson_before.id]) == 2 and len(members[lesson_after.id]) == 1


def test_group_capacity_over_room_capacity_is_refused(db):
    room = make_room(capacity=5)
    group = make_group(room=room, capacity=6)
    with pytest.raises(DomainError):
        timetable.check_group(group)


def test_red_flags_for_debt_red_pass_and_overdue_item(db):
    from datetime import timedelta

    from app.models.stock import Loan
    from tests.factories.stock import make_product

    today = date.today()
    service = make_service()
    clean = make_group(members=2, service=service)
    give_passes(clean.test_clients, service)
    owing = make_group(members=2, service=service)
    give_passes(owing.test_clients[:1], service)
    give_passes(owing.test_clients[1:], service, paid=False)  # unpaid pass: debt
    running_out = make_group(members=1, service=service)
    give_passes(running_out.test_clients, service, sessions=1)  # 1 left <= threshold
    lending = make_group(members=1, service=service)
    give_passes(lending.test_clients, service)
    lessons = [make_lesson(g, starts_at=at(today, 8 + 2 * i))
               for i, g in enumerate((clean, owing, running_out, lending))]
    db.session.add_all([  # a racket overdue for the lending group; one not yet due for the clean
        Loan(product_id=make_product().id, client_id=lending.test_clients[0].id,
             issued_on=today - timedelta(days=20), due_date=today - timedelta(days=1)),
        Loan(product_id=make_product().id, client_id=clean.test_clients[0].id,
             issued_on=today, due_date=today + timedelta(days=7))])
    db.session.commit()
    grid = build_grid(today)
    red = {card["id"]: card["red"] for card in grid.lessons}
    assert red == {lessons[0].id: False, lessons[1].id: True, lessons[2].id: True,
                   lessons[3].id: True}


def test_week_grid_counts_members_on_each_lessons_day_and_flags_in_one_statement(
        db, count_queries):
    """Fill and red flags come with the lessons: a member who left on Wednesday counts on
    Monday only, one who joined on Thursday on Friday only; an individual lesson counts its
    client (red when that client owes); a cancelled lesson is never red."""
    from app.models.timetable import LESSON_CANCELLED

    today = date.today()
    monday = today - timedelta(days=today.weekday())
    service = make_service()
    stays, leaves, joins = new_client(), new_client(), new_client()
    group = make_group(members=[stays, leaves], service=service)
    give_passes([stays, leaves], service)
    timetable.enrol_client(group, joins.id, monday + timedelta(days=3))
    give_passes([joins], service, paid=False)  # owes; a member from Thursday on
    member = db.session.scalars(select(GroupMember).where(
        GroupMember.group_id == group.id, GroupMember.client_id == leaves.id)).one()
    timetable.leave_group(member, monday + timedelta(days=2))
    lessons = {day: make_lesson(group, starts_at=at(monday + timedelta(days=day), 10))
               for day in (0, 2, 4)}
    cancelled = make_lesson(group, starts_at=at(monday + timedelta(days=5), 10),
                            status=LESSON_CANCELLED)
    owing = new_client()
    give_passes([owing], service, paid=False)
    alone = make_lesson(group, starts_at=at(monday + timedelta(days=1), 12), group_id=None,
                        client_id=owing.id)
    ids = {day: lesson.id for day, lesson in lessons.items()}
    cancelled_id, alone_id, room_id = cancelled.id, alone.id, group.room_id
    db.session.commit()
    db.session.expunge_all()
    with count_queries() as queries:
        grid = build_grid(monday, view=WEEK, room_id=room_id)
    assert queries() == 1  # lessons, their fill and red flags in one statement
    cards = {card["id"]: (card["filled"], card["red"]) for card in grid.lessons}
    assert cards == {ids[0]: (2, False),  # stays + leaves, neither owes
                     ids[2]: (1, False),  # leaves left that day
                     ids[4]: (2, True),  # stays + joins, who owes
                     cancelled_id: (2, False), alone_id: (1, True)}


def test_grid_query_count_is_constant(db, count_queries):
    day = MONDAY

    def build(n):
        for i in range(n):
            group = make_group(members=2)
            make_lesson(group, starts_at=at(day, 7 + (i % 14)))
        db.session.commit()
        db.session.expunge_all()
        with count_queries() as queries:
            grid = build_grid(day)
        return queries(), grid

    few, grid_few = build(2)
    many, grid_many = build(12)
    assert len(grid_many.lessons) == 14 and len(grid_few.lessons) == 2
    assert many == few


def test_week_grid_for_one_instructor_has_a_row_per_day(db):
    instructor = make_employee()
    group = make_group(members=2, instructor=instructor)
    make_lesson(group, starts_at=at(MONDAY, 9))
    make_lesson(group, starts_at=at(MONDAY + timedelta(days=2), 17, 30), minutes=90)
    make_lesson(starts_at=at(MONDAY, 9))  # someone else's
    grid = build_grid(MONDAY + timedelta(days=3), view=WEEK, instructor_id=instructor.id)
    assert len(grid.rows) == 7 and len(grid.lessons) == 2
    late = max(grid.lessons, key=lambda card: card["starts_at"])
    assert late["row"] == 2 and late["slot"] == 21 and late["span"] == 3
    assert late["filled"] == 2 and late["capacity"] == 20


def test_instructor_scope(db, make_user):
    teacher = make_user(INSTRUCTOR)
    desk = make_user(FRONT_DESK)
    mine = make_employee(user_id=teacher.id)
    own_lesson = make_lesson(make_group(instructor=mine))
    other_lesson = make_lesson(starts_at=own_lesson.starts_at + timedelta(hours=2))
    assert timetable.own_instructor_ids(desk) is None
    assert timetable.own_instructor_ids(teacher) == {mine.id}
    timetable.ensure_may_mark(own_lesson, teacher)
    timetable.ensure_may_mark(other_lesson, desk)
    with pytest.raises(Forbidden):
        timetable.ensure_may_mark(other_lesson, teacher)
    grid = build_grid(own_lesson.starts_at.date(),
                      instructor_ids=timetable.own_instructor_ids(teacher))
    assert [card["id"] for card in grid.lessons] == [own_lesson.id]
    assert db.session.get(Employee, mine.id).user_id == teacher.id
