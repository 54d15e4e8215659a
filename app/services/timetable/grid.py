"""The timetable grid: a day (rows = rooms) or a week of one room, instructor or group
(rows = days), columns = time slots; with filled / capacity and red flags per lesson.

Everything is loaded in a constant number of queries whatever the number of lessons: the
lessons with their service, group, room, instructor, how many members each has and whether one
of them is red-flagged in ONE statement (the members and their flags stay in SQL), the rooms and
instructors of the filters in one more each.
"""
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache

from flask import current_app, has_app_context
from sqlalchemy import (and_, bindparam, case, distinct, false, func, literal, select,
                        union)

from app.extensions import db
from app.models.clients import Client
from app.models.passes import Service
from app.models.staff import Employee
from app.models.timetable import LESSON_CANCELLED, Group, GroupMember, Lesson, Room
from app.services.timetable import flags as grid_flags
from app.services.timetable.lessons import active_member_filter

DAY = "day"
WEEK = "week"


def grid_settings():
    """Day start, day end and slot length, from ``TIMETABLE_DAY_START`` / ``_END`` ("07:00",
    "22:00") and ``TIMETABLE_SLOT_MINUTES`` (30)."""
    config = current_app.config if has_app_context() else {}
    start = time.fromisoformat(config.get("TIMETABLE_DAY_START", "07:00"))
    end = time.fromisoformat(config.get("TIMETABLE_DAY_END", "22:00"))
    return start, end, int(config.get("TIMETABLE_SLOT_MINUTES", 30))


def _lesson_conditions(room=False, instructor=False, group=False, scoped=False,
                       with_cancelled=True):
    """The WHERE of the lessons shown, with named bind parameters (``start``, ``end``, and
    ``room_id``, ``instructor_id``, ``group_id``, ``instructor_ids`` for the filters given)."""
    conditions = [Lesson.starts_at >= bindparam("start"), Lesson.starts_at < bindparam("end")]
    if room:
        conditions.append(Lesson.room_id == bindparam("room_id"))
    if instructor:
        conditions.append(Lesson.instructor_id == bindparam("instructor_id"))
    if group:
        conditions.append(Lesson.group_id == bindparam("group_id"))
    if scoped:
        conditions.append(Lesson.instructor_id.in_(bindparam("instructor_ids", expanding=True)))
    if not with_cancelled:
        conditions.append(Lesson.status != LESSON_CANCELLED)
    return conditions


def lessons_between(start, end, room_id=None, instructor_id=None, group_id=None,
                    instructor_ids=None, with_cancelled=True, filled=False, red_on=None):
    """Lessons starting in [start, end) with what the grid shows, in one query: row mappings
    (not ORM objects — a day of a busy centre is 900 lessons with five related rows each; read
    by key, several times cheaper than a Row's attributes) with the lesson's own columns and
    ``service_name``, ``group_name``, ``group_capacity``, ``room_name``, ``room_capacity``,
    ``instructor_name`` and the individual client's names.
    With ``filled`` (or ``red_on``) each row also has ``filled``: the group's members on the
    lesson's date (1 for an individual lesson); with ``red_on`` (a date) ``red``: whether one
    of them owes money, holds a red pass or an overdue lent item then (never for a cancelled
    lesson) — computed in the same statement, members and flags never leave the database.
    ``instructor_ids`` (not None) keeps only those instructors' lessons."""
    statement = _lessons_statement(bool(room_id), bool(instructor_id), bool(group_id),
                                   instructor_ids is not None, with_cancelled,
                                   bool(filled or red_on), red_on or None)
    return db.session.execute(statement, dict(
        start=start, end=end, start_day=start.date(), end_day=end.date(), room_id=room_id,
        instructor_id=instructor_id, group_id=group_id,
        instructor_ids=sorted(instructor_ids or ()) or [-1])).mappings().all()


@lru_cache(maxsize=64)
def _lessons_statement(room, instructor, group, scoped, with_cancelled, filled, red_on):
    """The SELECT of ``lessons_between`` for one shape of filters (and one flag date): built
    once per process and run with the request's values as bind parameters — composing it
    (the members, the three flags' SELECTs) cost more Python than the database spent on it."""
    conditions = _lesson_conditions(room, instructor, group, scoped, with_cancelled)
    columns = [Lesson.id, Lesson.starts_at, Lesson.ends_at, Lesson.status,
               Lesson.client_id, Lesson.group_id, Lesson.room_id, Lesson.instructor_id,
               Service.name.label("service_name"), Group.name.label("group_name"),
               Group.capacity.label("group_capacity"), Room.name.label("room_name"),
               Room.capacity.label("room_capacity"),
               Employee.full_name.label("instructor_name"),
               Client.last_name.label("client_last_name"),
               Client.first_name.label("client_first_name"),
               Client.middle_name.label("client_middle_name")]
    per_day = None
    if filled:
        per_day, client_red = _fill(conditions, red_on)
        columns += [case((Lesson.group_id.is_not(None), func.coalesce(per_day.c.filled, 0)),
                         (Lesson.client_id.is_not(None), 1), else_=0).label("filled"),
                    case((Lesson.status == LESSON_CANCELLED, false()),
                         (Lesson.group_id.is_not(None), func.coalesce(per_day.c.red, 0) > 0),
                         else_=client_red).label("red")]
    query = (select(*columns)
             .outerjoin(Service, Service.id == Lesson.service_id)
             .outerjoin(Group, Group.id == Lesson.group_id)
             .outerjoin(Room, Room.id == Lesson.room_id)
             .outerjoin(Employee, Employee.id == Lesson.instructor_id)
             .outerjoin(Client, Client.id == Lesson.client_id))
    if per_day is not None:
        query = query.outerjoin(per_day, and_(per_day.c.group_id == Lesson.group_id,
                                              per_day.c.day == func.date(Lesson.starts_at)))
    return query.where(*conditions).order_by(Lesson.starts_at, Lesson.id)


def _fill(conditions, red_on):
    """(subquery of ``group_id``, ``day``, ``filled`` and ``red`` — the count of flagged
    members — per group and date of the lessons matching ``conditions``; the condition that an
    individual lesson's client is flagged). A group's members are counted on each date it has a
    lesson (a group meets several times a week, joins and leaves happen in between); the flags
    (``flags.flagged_clients``) are computed once for all of them and the individual lessons'
    clients, on ``red_on`` (none when None)."""
    shown = (select(Lesson.group_id, func.date(Lesson.starts_at).label("day"))
             .where(*conditions, Lesson.group_id.is_not(None)).distinct().cte("shown_days"))
    members = (select(shown.c.group_id, shown.c.day, GroupMember.client_id)
               .join(GroupMember, and_(GroupMember.group_id == shown.c.group_id,
                                       active_member_filter(shown.c.day)))
               .cte("shown_members"))
    per_day = (select(members.c.group_id, members.c.day,
                      func.count(distinct(members.c.client_id)).label("filled"))
               .group_by(members.c.group_id, members.c.day))
    if not red_on:
        return per_day.add_columns(literal(0).label("red")).subquery(), false()
    people = union(select(members.c.client_id),
                   select(Lesson.client_id).where(*conditions, Lesson.client_id.is_not(None)))
    flagged = grid_flags.flagged_clients(select(people.subquery().c[0]), red_on).cte("flagged")
    per_day = (per_day.add_columns(func.count(flagged.c.client_id).label("red"))
               .outerjoin(flagged, flagged.c.client_id == members.c.client_id))
    return per_day.subquery(), Lesson.client_id.in_(select(flagged.c.client_id))


def _capacity(lesson):
    """As ``Lesson.capacity``: 1 for an individual lesson, else the group's (or the room's,
    whichever is smaller)."""
    if lesson["client_id"]:
        return 1
    capacities = [c for c in (lesson["group_capacity"] if lesson["group_id"] else None,
                              lesson["room_capacity"] if lesson["room_id"] else None)
                  if c is not None]
    return min(capacities) if capacities else None


@dataclass
class Grid:
    view: str
    day: date
    days: list
    rows: list  # [{"key", "label", "day", "room_id"}]
    slots: list  # [time]
    lessons: list  # [dict]
    filters: dict = field(default_factory=dict)
    rooms: list = None  # the active rooms (id, name…) when the grid loaded them (day view)


def _slots(start, end, minutes):
    slots, current = [], datetime.combine(date.today(), start)
    last = datetime.combine(date.today(), end)
    while current < last:
        slots.append(current.time())
        current += timedelta(minutes=minutes)
    return slots


def lesson_card(lesson, filled, red):
    """What the grid (and the API) shows of one lesson (a row of ``lessons_between``) with
    ``filled`` places taken."""
    client = " ".join(part for part in (lesson["client_last_name"], lesson["client_first_name"],
                                        lesson["client_middle_name"]) if part)
    return {
        "id": lesson["id"],
        "service": lesson["service_name"] or "",
        "group": lesson["group_name"],
        "client": client or None,
        "instructor": lesson["instructor_name"],
        "instructor_id": lesson["instructor_id"],
        "room": lesson["room_name"],
        "room_id": lesson["room_id"],
        "group_id": lesson["group_id"],
        "starts_at": lesson["starts_at"],
        "ends_at": lesson["ends_at"],
        "status": lesson["status"],
        "filled": filled,
        "capacity": _capacity(lesson),
        "red": red,
    }


def build_grid(day, view=DAY, room_id=None, instructor_id=None, group_id=None,
               instructor_ids=None):
    """The grid of a day (rows = rooms) or of the week holding ``day`` (rows = days, for one
    room, instructor or group). ``instructor_ids`` (not None) limits it to those instructors'
    lessons — an instructor's own timetable."""
    start_time, end_time, minutes = grid_settings()
    slots = _slots(start_time, end_time, minutes)
    if view == WEEK:
        first = day - timedelta(days=day.weekday())
        days = [first + timedelta(days=i) for i in range(7)]
    else:
        days = [day]
    start = datetime.combine(days[0], time())
    end = datetime.combine(days[-1] + timedelta(days=1), time())
    filters = dict(room_id=room_id, instructor_id=instructor_id, group_id=group_id,
                   instructor_ids=instructor_ids)
    lessons = lessons_between(start, end, **filters,
                              red_on=max(days[0], min(date.today(), days[-1])))

    rooms = None
    if view == WEEK:
        rows = [{"key": d.isoformat(), "label": d, "day": d, "room_id": room_id} for d in days]
    else:
        rooms = list(db.session.execute(select(Room).where(Room.active.is_(True))
                                        .order_by(Room.name)).scalars())
        rows = [{"key": str(r.id), "label": r.name, "day": day, "room_id": r.id, "capacity": r.capacity}
                for r in rooms if not room_id or r.id == room_id]
        known = {row["key"] for row in rows}
        for lesson in lessons:  # lessons in an inactive room still show
            if lesson["room_id"] and str(lesson["room_id"]) not in known:
                known.add(str(lesson["room_id"]))
                rows.append({"key": str(lesson["room_id"]), "label": lesson["room_name"],
                             "day": day, "room_id": lesson["room_id"]})
        if any(lesson["room_id"] is None for lesson in lessons):
            rows.append({"key": "none", "label": None, "day": day, "room_id": None})
    row_index = {row["key"]: i for i, row in enumerate(rows)}

    cards, count = [], len(slots)
    first_minute = start_time.hour * 60 + start_time.minute
    day_end = end_time.hour * 60 + end_time.minute - first_minute
    for lesson in lessons:
        starts, ends = lesson["starts_at"], lesson["ends_at"]
        key = (starts.date().isoformat() if view == WEEK
               else (str(lesson["room_id"]) if lesson["room_id"] else "none"))
        card = lesson_card(lesson, lesson["filled"], bool(lesson["red"]))
        # slots from the day's start: the first one the lesson starts in, the last it reaches
        begin = starts.hour * 60 + starts.minute - first_minute
        finish = (ends.hour * 60 + ends.minute - first_minute if ends.date() == starts.date()
                  else day_end)
        first_slot = min(max(0, begin // minutes), count - 1)
        last_slot = max(0, min(count, -(-finish // minutes)))
        card.update(row=row_index[key], row_key=key, slot=first_slot,
                    span=max(1, last_slot - first_slot))
        cards.append(card)
    return Grid(view=view, day=day, days=days, rows=rows, slots=slots, lessons=cards,
                filters={"room": room_id, "instructor": instructor_id, "group": group_id},
                rooms=rooms)


def filter_choices(rooms=None, group_id=None):
    """Rooms and instructors for the grid's and the lesson form's drop-downs (one query, two
    when the active rooms — anything with ``id`` and ``name``, e.g. ``Grid.rooms`` — are not
    given), and the chosen group ``group_id`` alone, if any: a group picker fetches its choices
    when opened (``group_choices``) — a centre has hundreds of groups."""
    if rooms is None:
        rooms = db.session.execute(select(Room.id, Room.name).where(Room.active.is_(True))
                                   .order_by(Room.name)).all()
    instructors = db.session.execute(select(Employee.id, Employee.full_name)
                                     .where(Employee.active.is_(True))
                                     .order_by(Employee.full_name)).all()
    groups = db.session.execute(select(Group.id, Group.name).where(Group.id == group_id)
                                ).all() if group_id else []
    return {"rooms": rooms, "instructors": instructors, "groups": groups}


def group_choices():
    """(id, name) of every active group, by name."""
    return db.session.execute(select(Group.id, Group.name).where(Group.active.is_(True))
                              .order_by(Group.name)).all()
