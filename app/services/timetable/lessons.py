"""Timetable rules: lessons from weekly patterns, single-lesson changes, conflicts, enrolment.

Conflicts refused: a room or an instructor in two lessons at once, a group larger than its
room, a client in two lessons at once. Every check loads what it needs in a constant number of
queries, so adding a lesson costs the same on a big centre as on a small one.
"""
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from flask_babel import format_datetime, format_time, lazy_gettext as _l
from sqlalchemy import and_, func, or_, select

from app.extensions import db
from app.models.clients import Client
from app.models.staff import Employee
from app.models.timetable import (LESSON_CANCELLED, LESSON_HELD, LESSON_PLANNED, Group,
                                  GroupMember, Holiday, Lesson, LessonPattern, Room)
from app.security import ADMIN, FRONT_DESK, MANAGER
from app.services.platform import Conflict, DomainError, Forbidden, NotFound

# Roles that see and mark every lesson; everyone else (instructors) only their own.
ALL_LESSONS_ROLES = {ADMIN, MANAGER, FRONT_DESK}


class LessonConflict(Conflict):
    """A lesson would collide with another one (room, instructor, client) or overfill a room."""


# --- who may see which lessons ---------------------------------------------------------------

def own_instructor_ids(user):
    """``None`` when ``user`` may see and mark every lesson, else the ids of the employees linked
    to the login (an instructor sees only own lessons; a login without an employee sees none)."""
    if user is None or {role.name for role in getattr(user, "roles", [])} & ALL_LESSONS_ROLES:
        return None
    rows = db.session.execute(select(Employee.id).where(Employee.user_id == user.id)).scalars()
    return set(rows)


def ensure_may_mark(lesson, user):
    """Refuse an instructor who is not this lesson's instructor."""
    own = own_instructor_ids(user)
    if own is not None and lesson.instructor_id not in own:
        raise Forbidden(_l("You can only see and mark your own lessons."))


# --- members ---------------------------------------------------------------------------------

def active_member_filter(on_date):
    return and_(GroupMember.joined_on <= on_date,
                or_(GroupMember.left_on.is_(None), GroupMember.left_on > on_date))


def members_by_lesson(lessons, group_ids=None):
    """``{lesson id: [client ids]}``: the group's members on the lesson's date (or the individual
    lesson's client), in one query for any number of lessons. ``group_ids`` may be a SELECT of
    (at least) the lessons' groups, kept in SQL instead of one bind parameter per group."""
    result = {lesson.id: ([lesson.client_id] if lesson.client_id else []) for lesson in lessons}
    if not any(lesson.group_id for lesson in lessons):
        return result
    if group_ids is None:
        group_ids = {lesson.group_id for lesson in lessons if lesson.group_id}
    days = [lesson.starts_at.date() for lesson in lessons if lesson.group_id]
    rows = db.session.execute(
        select(GroupMember.group_id, GroupMember.client_id, GroupMember.joined_on,
               GroupMember.left_on)
        .where(GroupMember.group_id.in_(group_ids), GroupMember.joined_on <= max(days),
               or_(GroupMember.left_on.is_(None), GroupMember.left_on > min(days)))
    ).all()
    by_group = defaultdict(list)
    for row in rows:
        by_group[row.group_id].append(row)
    for lesson in lessons:
        if not lesson.group_id:
            continue
        day = lesson.starts_at.date()
        result[lesson.id] = sorted({
            row.client_id for row in by_group[lesson.group_id]
            if row.joined_on <= day and (row.left_on is None or row.left_on > day)})
    return result


def enrol_client(group, client_id, joined_on=None):
    """Add a client to a group from ``joined_on``; refused when already in it or when the group
    is full (its own capacity, or its room's)."""
    joined_on = joined_on or date.today()
    check_enrolment(group, client_id, joined_on)
    member = GroupMember(group_id=group.id, client_id=client_id, joined_on=joined_on)
    db.session.add(member)
    db.session.flush()
    return member


def check_enrolment(group, client_id, joined_on):
    """A client joins a group once, and only while it has a free place."""
    members = set(db.session.execute(
        select(GroupMember.client_id).where(GroupMember.group_id == group.id,
                                            active_member_filter(joined_on))).scalars())
    if client_id in members:
        raise DomainError(_l("This client is already in the group."), field="client")
    limit = group_limit(group)
    if len(members) + 1 > limit:
        raise DomainError(_l("The group is full (%(capacity)s places).", capacity=limit),
                          field="group")


def leave_group(member, left_on=None):
    """End an enrolment: the client is no longer a member from ``left_on`` (default today)."""
    member.left_on = left_on or date.today()
    db.session.flush()
    return member


def group_limit(group):
    room = db.session.get(Room, group.room_id) if group.room_id else None
    return min(group.capacity, room.capacity) if room else group.capacity


def check_group(group):
    """A group may not promise more places than its room holds."""
    if group.room_id:
        room = db.session.get(Room, group.room_id)
        if room and group.capacity > room.capacity:
            raise DomainError(_l("Group %(group)s has %(capacity)s places but room %(room)s "
                                 "holds only %(room_capacity)s.", group=group.name,
                                 capacity=group.capacity, room=room.name,
                                 room_capacity=room.capacity), field="capacity")


# --- describing lessons in messages ------------------------------------------------------------

def describe_lesson(lesson):
    """"Yoga · Morning yoga, 12 Mar 2026 10:00–11:00" for conflict messages."""
    parts = [lesson.service.name if lesson.service else ""]
    if lesson.group is not None:
        parts.append(lesson.group.name)
    elif lesson.client is not None:
        parts.append(lesson.client.full_name)
    return "%s, %s–%s" % (" · ".join(p for p in parts if p),
                          format_datetime(lesson.starts_at, "short"),
                          format_time(lesson.ends_at, "short"))


# --- conflicts -------------------------------------------------------------------------------

def _overlapping(starts_at, ends_at, exclude_id=None):
    query = (select(Lesson)
             .where(Lesson.status != LESSON_CANCELLED, Lesson.starts_at < ends_at,
                    Lesson.ends_at > starts_at))
    if exclude_id is not None:
        query = query.where(Lesson.id != exclude_id)
    return list(db.session.execute(query).scalars())


def check_conflicts(lesson):
    """Refuse the lesson if its room or instructor is already busy at that time, if its group has
    more members than the room holds, or if one of its clients is in another lesson then."""
    if lesson.ends_at <= lesson.starts_at:
        raise DomainError(_l("A lesson must end after it starts."), field="ends_at")
    others = _overlapping(lesson.starts_at, lesson.ends_at, lesson.id)
    for other in others:
        if lesson.room_id and other.room_id == lesson.room_id:
            raise LessonConflict(_l("Room %(room)s is already booked at that time: %(lesson)s.",
                                    room=other.room.name, lesson=describe_lesson(other)),
                                 field="room", other_lesson_id=other.id)
    for other in others:
        if lesson.instructor_id and other.instructor_id == lesson.instructor_id:
            raise LessonConflict(_l("Instructor %(instructor)s already teaches at that time: "
                                    "%(lesson)s.", instructor=other.instructor.full_name,
                                    lesson=describe_lesson(other)),
                                 field="instructor", other_lesson_id=other.id)
    members = members_by_lesson([lesson] + others)
    own = set(members[lesson.id])
    room = db.session.get(Room, lesson.room_id) if lesson.room_id else None
    if room is not None and lesson.group_id and len(own) > room.capacity:
        group = db.session.get(Group, lesson.group_id)
        raise LessonConflict(_l("Group %(group)s has %(members)s members but room %(room)s holds "
                                "only %(capacity)s.", group=group.name, members=len(own),
                                room=room.name, capacity=room.capacity), field="room")
    for other in others:
        shared = own & set(members[other.id])
        if shared:
            client = db.session.get(Client, min(shared))
            raise LessonConflict(_l("%(client)s is already in another lesson at that time: "
                                    "%(lesson)s.", client=client.full_name,
                                    lesson=describe_lesson(other)),
                                 field="client", other_lesson_id=other.id)


# --- single lessons --------------------------------------------------------------------------

def add_lesson(service_id, starts_at, ends_at, room_id=None, instructor_id=None, group_id=None,
               client_id=None, notes=None):
    """Plan one lesson (of a group, or individual with one client) after checking conflicts."""
    if bool(group_id) == bool(client_id):
        raise DomainError(_l("A lesson is either for a group or for one client."), field="group")
    lesson = Lesson(service_id=service_id, starts_at=starts_at, ends_at=ends_at, room_id=room_id,
                    instructor_id=instructor_id, group_id=group_id, client_id=client_id,
                    notes=notes, status=LESSON_PLANNED)
    with db.session.no_autoflush:
        check_conflicts(lesson)
    db.session.add(lesson)
    db.session.flush()
    return lesson


def move_lesson(lesson, starts_at, ends_at=None, room_id=None, instructor_id=None):
    """Move a planned lesson to another time (keeping its length unless ``ends_at`` is given),
    room or instructor; the conflicts are checked at the new place."""
    if lesson.status != LESSON_PLANNED:
        raise DomainError(_l("Only a planned lesson can be moved."))
    ends_at = ends_at or starts_at + (lesson.ends_at - lesson.starts_at)
    with db.session.no_autoflush:
        lesson.starts_at, lesson.ends_at = starts_at, ends_at
        if room_id is not None:
            lesson.room_id = room_id
            lesson.room = db.session.get(Room, room_id)
        if instructor_id is not None:
            lesson.instructor_id = instructor_id
            lesson.instructor = db.session.get(Employee, instructor_id)
        check_conflicts(lesson)
    db.session.flush()
    return lesson


def cancel_lesson(lesson):
    """Cancel a planned lesson; a held lesson must be un-held first (its sessions go back)."""
    if lesson.status == LESSON_HELD:
        raise DomainError(_l("A held lesson cannot be cancelled; undo \"held\" first."))
    lesson.status = LESSON_CANCELLED
    db.session.flush()
    return lesson


def get_lesson(lesson_id):
    lesson = db.session.get(Lesson, lesson_id)
    if lesson is None:
        raise NotFound(_l("No such lesson."))
    return lesson


# --- generation from patterns ------------------------------------------------------------------

@dataclass
class GenerationResult:
    created: list = field(default_factory=list)
    skipped: list = field(default_factory=list)  # (pattern id, date, reason)


def _holiday_days(date_from, date_to):
    days = set()
    for holiday in db.session.execute(
            select(Holiday).where(Holiday.starts_on <= date_to, Holiday.ends_on >= date_from)
    ).scalars():
        day = max(holiday.starts_on, date_from)
        while day <= min(holiday.ends_on, date_to):
            days.add(day)
            day += timedelta(days=1)
    return days


def generate_lessons(date_from, date_to):
    """Create the lessons of every active group's patterns from ``date_from`` to ``date_to``
    (inclusive), skipping holidays, slots already generated (even if moved or cancelled since)
    and slots whose room or instructor is already busy. Running it twice creates nothing new."""
    patterns = list(db.session.execute(
        select(LessonPattern, Group).join(Group, LessonPattern.group_id == Group.id)
        .where(Group.active.is_(True), LessonPattern.valid_from <= date_to,
               or_(LessonPattern.valid_to.is_(None), LessonPattern.valid_to >= date_from))
    ).all())
    result = GenerationResult()
    if not patterns:
        return result
    holidays = _holiday_days(date_from, date_to)
    done = set(db.session.execute(
        select(Lesson.pattern_id, Lesson.pattern_date)
        .where(Lesson.pattern_id.in_([p.id for p, _ in patterns]),
               Lesson.pattern_date.between(date_from, date_to))).all())
    busy = defaultdict(list)  # ("room"|"instructor", id) -> [(start, end)]
    for row in db.session.execute(
            select(Lesson.room_id, Lesson.instructor_id, Lesson.starts_at, Lesson.ends_at)
            .where(Lesson.status != LESSON_CANCELLED,
                   Lesson.starts_at < datetime.combine(date_to + timedelta(days=2), time()),
                   Lesson.ends_at > datetime.combine(date_from - timedelta(days=1), time()))):
        if row.room_id:
            busy[("room", row.room_id)].append((row.starts_at, row.ends_at))
        if row.instructor_id:
            busy[("instructor", row.instructor_id)].append((row.starts_at, row.ends_at))

    def is_busy(key, start, end):
        return any(s < end and e > start for s, e in busy[key])

    for pattern, group in sorted(patterns, key=lambda pg: (pg[0].start_time, pg[0].id)):
        first = max(date_from, pattern.valid_from)
        last = min(date_to, pattern.valid_to or date_to)
        day = first + timedelta(days=(pattern.weekday - first.weekday()) % 7)
        while day <= last:
            if (pattern.id, day) in done:
                pass
            elif day in holidays:
                result.skipped.append((pattern.id, day, "holiday"))
            else:
                start = datetime.combine(day, pattern.start_time)
                end = start + timedelta(minutes=pattern.duration_minutes)
                if group.room_id and is_busy(("room", group.room_id), start, end):
                    result.skipped.append((pattern.id, day, "room"))
                elif group.instructor_id and is_busy(("instructor", group.instructor_id),
                                                     start, end):
                    result.skipped.append((pattern.id, day, "instructor"))
                else:
                    lesson = Lesson(group_id=group.id, service_id=group.service_id,
                                    room_id=group.room_id, instructor_id=group.instructor_id,
                                    starts_at=start, ends_at=end, status=LESSON_PLANNED,
                                    pattern_id=pattern.id, pattern_date=day)
                    db.session.add(lesson)
                    result.created.append(lesson)
                    for key in (("room", group.room_id), ("instructor", group.instructor_id)):
                        if key[1]:
                            busy[key].append((start, end))
            day += timedelta(days=7)
    db.session.flush()
    return result


def member_counts(group_ids, on_date):
    """``{group id: number of members on the date}`` in one query."""
    if not group_ids:
        return {}
    return dict(db.session.execute(
        select(GroupMember.group_id, func.count(GroupMember.id))
        .where(GroupMember.group_id.in_(group_ids), active_member_filter(on_date))
        .group_by(GroupMember.group_id)).all())
