"""Attendance: who came to a lesson, marking it held, and the sessions written off for it.

Rules:
- a held lesson writes one session off per charged attendee (``ATTENDANCE_WRITE_OFF_POLICY``:
  "present" charges present and late clients; "enrolled" charges every member but the excused),
  off a valid pass covering the service at the lesson's date and time, else as an owed visit —
  the whole lesson in one batch (``passes.write_off_sessions``), so marking costs a constant
  number of SQL statements whatever the class size;
- marking again changes nothing twice: a row that has a write-off keeps it, and a row whose
  status stops being charged gets its write-off cancelled;
- "undo held" gives every session back and sets the lesson back to planned;
- two people saving the same lesson at once are serialised on the lesson row (``FOR UPDATE`` on
  PostgreSQL, a version bump that takes SQLite's write lock first), and the unique
  (lesson, client) constraint is the last line of defence.
"""
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app, has_app_context
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.extensions import db
from app.models.passes import SessionWriteOff
from app.models.timetable import (ABSENT, ATTENDANCE_STATUSES, LATE, LESSON_CANCELLED,
                                  LESSON_HELD, LESSON_PLANNED, PRESENT, Attendance, Lesson)
from app.services import money
from app.services.platform import DomainError, Forbidden, NotFound
from app.services.timetable.lessons import ensure_may_mark, members_by_lesson
from app.services.audit import update_loaded

POLICY_PRESENT = "present"
POLICY_ENROLLED = "enrolled"


def write_off_policy():
    policy = POLICY_PRESENT
    if has_app_context():
        policy = current_app.config.get("ATTENDANCE_WRITE_OFF_POLICY", POLICY_PRESENT)
    return policy if policy in (POLICY_PRESENT, POLICY_ENROLLED) else POLICY_PRESENT


def charged_statuses(policy=None):
    """The attendance statuses that cost a session under the policy."""
    if (policy or write_off_policy()) == POLICY_ENROLLED:
        return {PRESENT, LATE, ABSENT}
    return {PRESENT, LATE}


@dataclass
class MarkResult:
    lesson: Lesson
    written_off: list = field(default_factory=list)  # SessionWriteOff created now
    cancelled: list = field(default_factory=list)  # SessionWriteOff cancelled now
    already: list = field(default_factory=list)  # client ids charged before: nothing more now

    def as_dict(self):
        return {
            "lesson_id": self.lesson.id,
            "status": self.lesson.status,
            "write_offs": [_write_off_dict(w) for w in self.written_off],
            "cancelled_write_offs": [w.id for w in self.cancelled],
        }


def _write_off_dict(write_off):
    return {"id": write_off.id, "client_id": write_off.client_id, "pass_id": write_off.pass_id,
            "owed": write_off.pass_id is None, "value": str(write_off.value)}


def lock_lesson(lesson_id):
    """Load the lesson holding a lock on its row until the transaction ends, so that one marking
    at a time reads and writes its attendance."""
    session = db.session
    table = Lesson.__table__
    if session.get_bind().dialect.name == "postgresql":
        query = select(Lesson).where(Lesson.id == lesson_id).with_for_update(of=table)
    else:
        # SQLite: writing first takes the database write lock before anything is read.
        session.execute(table.update().where(table.c.id == lesson_id)
                        .values(version=table.c.version + 1))
        query = select(Lesson).where(Lesson.id == lesson_id)
    lesson = session.execute(query.execution_options(populate_existing=True)).scalar_one_or_none()
    if lesson is None:
        raise NotFound(_l("No such lesson."))
    return lesson


def _rows(lesson_id):
    return {row.client_id: row for row in db.session.execute(
        select(Attendance).where(Attendance.lesson_id == lesson_id)
        .execution_options(populate_existing=True)).scalars()}


def _write_off(lesson, client_id):
    try:
        return money.write_off_session(client_id, lesson.service_id, lesson.starts_at)
    except money.NoValidPass:
        return money.record_owed_visit(client_id, lesson.service_id, lesson.starts_at)


def _set_write_offs(rows, write_off_ids):
    """Point the rows at their write-offs: stored rows in one UPDATE, new rows as attributes."""
    stored = [(row, wid) for row, wid in zip(rows, write_off_ids) if row.id is not None]
    update_loaded([row for row, _ in stored], [{"write_off_id": wid} for _, wid in stored])
    for row, wid in zip(rows, write_off_ids):
        if row.id is None:
            row.write_off_id = wid


def _load_write_offs(rows):
    """The write-offs of these attendance rows, in the rows' order; one query."""
    by_id = {w.id: w for w in db.session.execute(
        select(SessionWriteOff).where(
            SessionWriteOff.id.in_([row.write_off_id for row in rows]))).scalars()}
    return [by_id[row.write_off_id] for row in rows]


def _sync_write_offs(lesson, rows, result, policy=None):
    """Bring each row's write-off in line with its status; idempotent. The whole lesson is
    written off (and cancelled) in a constant number of statements."""
    charged = charged_statuses(policy)
    to_cancel = [row for row in rows.values() if row.write_off_id and row.status not in charged]
    if to_cancel:
        result.cancelled.extend(money.cancel_write_offs(_load_write_offs(to_cancel)))
        _set_write_offs(to_cancel, [None] * len(to_cancel))
    if lesson.status != LESSON_HELD:
        return
    result.already.extend(client_id for client_id in sorted(rows)
                          if rows[client_id].status in charged and rows[client_id].write_off_id)
    due = [rows[client_id] for client_id in sorted(rows)
           if rows[client_id].status in charged and not rows[client_id].write_off_id]
    write_offs = money.write_off_sessions(
        [(row.client_id, lesson.service_id, lesson.starts_at) for row in due])
    _set_write_offs(due, [w.id for w in write_offs])
    result.written_off.extend(write_offs)


def mark_attendance(lesson_id, marks, held=False, user=None, policy=None, unmarked=ABSENT):
    """Save statuses (``marks``: [{"client_id", "status"}]) and, with ``held``, mark the lesson
    held, all in the caller's transaction; on a held lesson the write-offs follow the statuses.
    Only the lesson's members (or its individual client) can be marked. Members not marked when
    the lesson becomes held get ``unmarked``: absent, or present for "all present" (the
    exceptions are the marks sent, or changed afterwards)."""
    if unmarked not in ATTENDANCE_STATUSES:
        raise DomainError(_l("Unknown attendance status: %(status)s.", status=unmarked))
    lesson = lock_lesson(lesson_id)
    ensure_may_mark(lesson, user)
    if lesson.status == LESSON_CANCELLED:
        raise DomainError(_l("A cancelled lesson cannot be marked."))
    members = set(members_by_lesson([lesson])[lesson.id])
    rows = _rows(lesson.id)
    new_rows = {}  # added after the write-offs, so each is one batched INSERT with its write-off
    for mark in marks:
        client_id, status = int(mark["client_id"]), mark.get("status")
        if status not in ATTENDANCE_STATUSES:
            raise DomainError(_l("Unknown attendance status: %(status)s.", status=status))
        if client_id not in members and client_id not in rows:
            raise DomainError(_l("This client is not a member of the lesson."), field="client_id")
        row = rows.get(client_id)
        if row is None:
            row = rows[client_id] = new_rows[client_id] = Attendance(lesson_id=lesson.id,
                                                                     client_id=client_id)
        if row.status != status:
            row.status = status
    if held and lesson.status != LESSON_HELD:
        for client_id in members - set(rows):
            rows[client_id] = new_rows[client_id] = Attendance(
                lesson_id=lesson.id, client_id=client_id, status=unmarked)
        lesson.status = LESSON_HELD
        lesson.held_at = datetime.now()
    result = MarkResult(lesson)
    _sync_write_offs(lesson, rows, result, policy)
    db.session.add_all(new_rows.values())
    db.session.flush()
    return result


def undo_window():
    """``ATTENDANCE_UNDO_WINDOW``: how long whoever marked a lesson without the "undo" right
    (an instructor, its own lesson) may still undo it — ``"end_of_day"`` (the default: until
    midnight of the day it was marked) or a number of minutes after marking."""
    value = current_app.config.get("ATTENDANCE_UNDO_WINDOW", "end_of_day") \
        if has_app_context() else "end_of_day"
    return value if value == "end_of_day" else int(value)


def undo_window_open(lesson, now=None):
    """Whether a held lesson may still be undone by its own instructor (see ``undo_window``)."""
    if lesson.status != LESSON_HELD or lesson.held_at is None:
        return False
    now = now or datetime.now()
    window = undo_window()
    if window == "end_of_day":
        return lesson.held_at.date() == now.date()
    return now - lesson.held_at <= timedelta(minutes=window)


def undo_held(lesson_id, user=None, any_time=True):
    """Set a held lesson back to planned and give every session written off for it back.
    Without ``any_time`` (the caller lacks the "undo" right: an instructor) only the lesson's
    own instructor may, and only while ``undo_window_open``."""
    lesson = lock_lesson(lesson_id)
    ensure_may_mark(lesson, user)
    if lesson.status != LESSON_HELD:
        raise DomainError(_l("This lesson is not marked held."))
    if not any_time and not undo_window_open(lesson):
        raise Forbidden(_l("The time to undo this marking is over; ask a manager or the front "
                           "desk."))
    rows = _rows(lesson.id)
    result = MarkResult(lesson)
    with_write_off = [row for row in rows.values() if row.write_off_id]
    if with_write_off:
        result.cancelled.extend(money.cancel_write_offs(_load_write_offs(with_write_off)))
        _set_write_offs(with_write_off, [None] * len(with_write_off))
    lesson.status = LESSON_PLANNED
    lesson.held_at = None
    db.session.flush()
    return result


def check_in_to_lesson(lesson_id, client_id, user=None):
    """Front desk: the client came to this lesson — marked present and one session written off
    now (again: nothing more). Returns the write-off."""
    lesson = lock_lesson(lesson_id)
    ensure_may_mark(lesson, user)
    if lesson.status == LESSON_CANCELLED:
        raise DomainError(_l("A cancelled lesson cannot be marked."))
    rows = _rows(lesson.id)
    row = rows.get(client_id)
    if row is None:
        if client_id not in members_by_lesson([lesson])[lesson.id]:
            raise DomainError(_l("This client is not a member of the lesson."))
        row = Attendance(lesson_id=lesson.id, client_id=client_id)
        db.session.add(row)
    row.status = PRESENT
    if row.write_off_id:
        return db.session.get(SessionWriteOff, row.write_off_id)
    write_off = _write_off(lesson, client_id)
    row.write_off_id = write_off.id
    db.session.flush()
    return write_off


DEFAULT_WALK_IN_REPEAT_MINUTES = 30


def walk_in_repeat_minutes():
    """``WALK_IN_REPEAT_MINUTES`` (default 30): a second scan within it is the same visit."""
    minutes = DEFAULT_WALK_IN_REPEAT_MINUTES
    if has_app_context():
        minutes = current_app.config.get("WALK_IN_REPEAT_MINUTES", minutes)
    return max(int(minutes), 0)


@dataclass
class WalkIn:
    """A walk-in check-in: its write-off; ``repeated`` when the card was scanned for the same
    service within the repeat window (nothing written); ``reason`` why no pass covered it."""

    write_off: SessionWriteOff
    repeated: bool = False
    reason: object = None


def _lock_client(client_id):
    """Serialise check-ins of one client: a row lock on PostgreSQL; on SQLite an UPDATE that
    changes nothing takes the write lock before anything is read."""
    from app.models.clients import Client

    table = Client.__table__
    if db.session.get_bind().dialect.name == "postgresql":
        found = db.session.execute(select(table.c.id).where(table.c.id == client_id)
                                   .with_for_update()).first()
    else:
        found = db.session.execute(table.update().where(table.c.id == client_id)
                                   .values(id=table.c.id)).rowcount
    if not found:
        raise NotFound(_l("No such client."))


def check_in_to_service(client_id, service_id, at=None, repeat_minutes=None):
    """Front desk walk-in: one session of the service written off the right pass, or an owed
    visit at the single-visit price when no pass covers it. Idempotent: the same card scanned
    for the same service within ``walk_in_repeat_minutes()`` shows the first visit and writes
    nothing off (two desks scanning at once are serialised on the client). The visit is a
    walk-in write-off, listed on the client card's Visits. Returns a ``WalkIn``."""
    at = at or datetime.now().replace(microsecond=0)
    minutes = walk_in_repeat_minutes() if repeat_minutes is None else repeat_minutes
    _lock_client(client_id)
    if minutes > 0:
        earlier = money.recent_walk_in(client_id, service_id, at - timedelta(minutes=minutes), at)
        if earlier is not None:
            return WalkIn(earlier, repeated=True)
    try:
        return WalkIn(money.write_off_session(client_id, service_id, at, walk_in=True))
    except money.NoValidPass as exc:
        return WalkIn(money.record_owed_visit(client_id, service_id, at, walk_in=True),
                      reason=exc.message)


# --- what the pages show ---------------------------------------------------------------------

def sessions_left(client_ids, service_id, on_date):
    """``{client id: sessions left on live passes covering the service on the date}``, ``None``
    for an unlimited pass; one query."""
    from app.models.passes import LIVE_STATUSES, Pass, pass_service

    result = {cid: 0 for cid in client_ids}
    if not client_ids:
        return result
    rows = db.session.execute(
        select(Pass.client_id, Pass.sessions_total, Pass.sessions_used)
        .join(pass_service, pass_service.c.pass_id == Pass.id)
        .where(Pass.client_id.in_(client_ids), pass_service.c.service_id == service_id,
               Pass.status.in_(LIVE_STATUSES), Pass.start_date <= on_date,
               Pass.end_date >= on_date)).all()
    for row in rows:
        if row.sessions_total is None or result[row.client_id] is None:
            result[row.client_id] = None
        else:
            result[row.client_id] += max(row.sessions_total - row.sessions_used, 0)
    return result


def write_off_notes(write_off_ids):
    """``{write-off id: {"pass": "Plan #12" or None, "value": Decimal, "owed": bool}}`` for the
    pages to say what happened to each visit; one query."""
    from app.models.passes import Pass, PassPlan

    if not write_off_ids:
        return {}
    rows = db.session.execute(
        select(SessionWriteOff.id, SessionWriteOff.pass_id, SessionWriteOff.value,
               PassPlan.name)
        .outerjoin(Pass, Pass.id == SessionWriteOff.pass_id)
        .outerjoin(PassPlan, PassPlan.id == Pass.plan_id)
        .where(SessionWriteOff.id.in_(write_off_ids))).all()
    return {row.id: {"pass": f"{row.name} #{row.pass_id}" if row.pass_id else None,
                     "value": row.value, "owed": row.pass_id is None} for row in rows}


def roster(lesson):
    """The lesson's members, booked clients (pre-marked present) and anyone else marked, with status, write-off, sessions left,
    balance and flags — a constant number of queries."""
    from app.models.clients import Client
    from app.services.timetable.flags import member_flags
    from app.services.money import client_balances

    from app.services.portal import booked_client_ids

    members = members_by_lesson([lesson])[lesson.id]
    rows = _rows(lesson.id)
    booked = booked_client_ids(lesson.id)
    client_ids = sorted(set(members) | set(rows) | booked)
    clients = {c.id: c for c in db.session.execute(
        select(Client).where(Client.id.in_(client_ids or [-1]))).scalars()}
    left = sessions_left(client_ids, lesson.service_id, lesson.starts_at.date())
    write_offs = write_off_notes([row.write_off_id for row in rows.values() if row.write_off_id])
    balances = client_balances(client_ids) if client_ids else {}
    flags = member_flags(client_ids, lesson.starts_at.date())
    entries = [{
        "client": clients[cid],
        # a client booked online comes pre-marked present until someone marks otherwise
        "status": rows[cid].status if cid in rows else (PRESENT if cid in booked else None),
        "booked": cid in booked,
        "written_off": bool(cid in rows and rows[cid].write_off_id),
        "write_off": write_offs.get(rows[cid].write_off_id) if cid in rows else None,
        "sessions_left": left.get(cid),
        "balance": balances.get(cid),
        "flags": sorted(flags.get(cid, ())),
        "member": cid in members,
    } for cid in client_ids]
    return sorted(entries, key=lambda e: (e["client"].last_name, e["client"].first_name))


def visits(client_id, limit=50):
    """A client's visits, newest first (for the client card): lesson attendance and walk-ins
    checked in at the desk (``lesson_id`` None, status present), in one query."""
    from sqlalchemy import literal, null, union_all

    from app.models.passes import Service

    lessons = (select(Attendance.status.label("status"),
                      Attendance.write_off_id.label("write_off_id"),
                      Lesson.id.label("lesson_id"), Lesson.starts_at.label("starts_at"),
                      Service.name.label("service"))
               .join(Lesson, Lesson.id == Attendance.lesson_id)
               .join(Service, Service.id == Lesson.service_id)
               .where(Attendance.client_id == client_id))
    walk_ins = (select(literal(PRESENT).label("status"), SessionWriteOff.id.label("write_off_id"),
                       null().label("lesson_id"), SessionWriteOff.at.label("starts_at"),
                       Service.name.label("service"))
                .join(Service, Service.id == SessionWriteOff.service_id)
                .where(SessionWriteOff.client_id == client_id,
                       SessionWriteOff.walk_in.is_(True), SessionWriteOff.cancelled.is_(False)))
    both = union_all(lessons, walk_ins).subquery("visits")
    return db.session.execute(
        select(both).order_by(both.c.starts_at.desc()).limit(limit)).all()
