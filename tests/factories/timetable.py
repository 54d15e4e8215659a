"""Factories for the timetable: employees, rooms, groups with members, patterns, lessons."""
from datetime import date, datetime, time, timedelta
from itertools import count

from app.extensions import db
from app.models.staff import Employee
from app.models.timetable import Group, GroupMember, Holiday, Lesson, LessonPattern, Room
from tests.factories.clients import make_client
from tests.factories.passes import make_plan, make_service

_seq = count(1)


def _add(obj):
    db.session.add(obj)
    db.session.flush()
    return obj


def new_client(**overrides):
    """A client with an id (flushed, not committed)."""
    return _add(make_client(commit=False, **overrides))


def make_employee(**overrides):
    values = dict(full_name=f"Instructor {next(_seq)}", position="Instructor", active=True)
    values.update(overrides)
    return _add(Employee(**values))


def make_room(**overrides):
    values = dict(name=f"Room {next(_seq)}", capacity=20, active=True)
    values.update(overrides)
    return _add(Room(**values))


def make_group(members=0, joined_on=date(2020, 1, 1), **overrides):
    """A group with its own service, room and instructor unless given, and ``members`` new
    clients (or a list of clients) enrolled from ``joined_on``."""
    values = dict(name=f"Group {next(_seq)}", capacity=20)
    values.update(overrides)
    if "service" not in values and "service_id" not in values:
        values["service"] = make_service()
    if "room" not in values and "room_id" not in values:
        values["room"] = make_room()
    if "instructor" not in values and "instructor_id" not in values:
        values["instructor"] = make_employee()
    group = _add(Group(**values))
    clients = members if isinstance(members, (list, tuple)) else [
        new_client() for _ in range(members)]
    db.session.flush()
    for client in clients:
        db.session.add(GroupMember(group_id=group.id, client_id=client.id, joined_on=joined_on))
    db.session.flush()
    group.test_clients = list(clients)
    return group


def make_pattern(group, weekday=0, start=time(10, 0), duration=60,
                 valid_from=date(2020, 1, 1), valid_to=None):
    return _add(LessonPattern(group_id=group.id, weekday=weekday, start_time=start,
                              duration_minutes=duration, valid_from=valid_from,
                              valid_to=valid_to))


def make_lesson(group=None, starts_at=None, minutes=60, **overrides):
    """A planned lesson of ``group`` (a new group with 3 members by default)."""
    group = group or make_group(members=3)
    starts_at = starts_at or datetime.combine(date.today(), time(10, 0))
    values = dict(group_id=group.id, service_id=group.service_id, room_id=group.room_id,
                  instructor_id=group.instructor_id, starts_at=starts_at,
                  ends_at=starts_at + timedelta(minutes=minutes), status="planned")
    values.update(overrides)
    return _add(Lesson(**values))


def make_holiday(starts_on, ends_on=None, **overrides):
    values = dict(name=f"Holiday {next(_seq)}", starts_on=starts_on, ends_on=ends_on or starts_on)
    values.update(overrides)
    return _add(Holiday(**values))


def give_passes(clients, service, sessions=10, time_window="any", start_date=None, paid=True):
    """Sell each client a pass for ``service`` (paid in full so nobody owes)."""
    from app.services.money.passes import sell_pass

    plan = make_plan(services=[service], sessions=sessions, time_window=time_window)
    return [sell_pass(c.id, plan.id, start_date or date.today() - timedelta(days=1),
                      amount_paid=plan.price if paid else None) for c in clients]


__all__ = ["make_client", "make_service", "make_plan"]
