"""Learning results (the instructor's "electronic diary"): a mark and an observation per
participant per lesson, for any lesson — a kids' club, a school class or a course's session.

Rules:
- only the lesson's instructor records them, or a manager (``ensure_may_mark``, the same rule as
  attendance); a cancelled lesson has no results;
- a result is for one of the lesson's participants: its group's members on the lesson's date,
  its individual client, anyone marked on its attendance, or whom another domain names through
  ``register_participant_source`` (a course's participants for its sessions);
- a mark is at most 20 characters (a number, a letter, "pass"…), an observation at most 2000;
  it must lie on the lesson's service's mark scale (``scales``; free text by default) and is
  stored with its normalised value 0..1; one mark off the scale refuses the whole batch (422,
  naming the participant and the allowed marks) and nothing is saved;
  one result per participant and lesson: recording again replaces it, and a result left with
  neither mark nor observation is removed.
"""
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from app.extensions import db
from app.models.timetable import LESSON_CANCELLED, Attendance, Lesson, LessonResult
from app.services.platform import DomainError, NotFound
from app.services.timetable.lessons import ensure_may_mark, members_by_lesson
from app.services.timetable.scales import allowed_marks, place_mark

MARK_LENGTH = 20
ID_LIMIT = 2**31 - 1
COMMENT_LENGTH = 2000

_participant_sources = []


class MarkOffScale(DomainError):
    """A mark that is not on the lesson's service's scale."""

    status_code = 422


def register_participant_source(source):
    """``source(lesson) -> iterable of client ids`` adds participants to a lesson (a domain whose
    people are not group members, such as the courses, names them here)."""
    if source not in _participant_sources:
        _participant_sources.append(source)


def lesson_participant_ids(lesson):
    """The client ids who may have a result at ``lesson`` (see the module's rules)."""
    ids = set(members_by_lesson([lesson])[lesson.id])
    ids.update(db.session.execute(
        select(Attendance.client_id).where(Attendance.lesson_id == lesson.id)).scalars())
    for source in _participant_sources:
        ids.update(source(lesson))
    return ids


def get_lesson(lesson_id):
    lesson = db.session.get(Lesson, lesson_id)
    if lesson is None:
        raise NotFound(_l("No such lesson."), field="lesson")
    return lesson


def _text(value, field, limit):
    if value is None:
        return None
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        raise DomainError(_l("Please enter text."), field=field)
    value = str(value).strip()
    if "\x00" in value:
        raise DomainError(_l("Please enter text."), field=field)
    if len(value) > limit:
        raise DomainError(_l("At most %(count)s characters.", count=limit), field=field)
    return value or None


def clean_entries(entries):
    """``[{"client_id", "mark", "comment"}]`` checked and trimmed: ``{client id: (mark,
    comment)}``; a refusal names the field."""
    if not isinstance(entries, list):
        raise DomainError(_l("Send results as a list of {client_id, mark, comment}."),
                          field="results")
    cleaned = {}
    for entry in entries:
        if not isinstance(entry, dict):
            raise DomainError(_l("Send results as a list of {client_id, mark, comment}."),
                              field="results")
        client_id = entry.get("client_id")
        if (isinstance(client_id, bool) or not isinstance(client_id, int)
                or not 0 < client_id <= ID_LIMIT):
            raise DomainError(_l("Each result needs a client."), field="client_id")
        if client_id in cleaned:
            raise DomainError(_l("A person is named twice."), field="client_id")
        cleaned[client_id] = (_text(entry.get("mark"), "mark", MARK_LENGTH),
                              _text(entry.get("comment"), "comment", COMMENT_LENGTH))
    return cleaned


def record_results(lesson_id, entries, user=None):
    """Record the results of a lesson (see the module's rules); returns the lesson's results."""
    cleaned = clean_entries(entries)
    lesson = get_lesson(lesson_id)
    ensure_may_mark(lesson, user)
    if lesson.status == LESSON_CANCELLED:
        raise DomainError(_l("A cancelled lesson has no results."), field="lesson")
    unknown = set(cleaned) - lesson_participant_ids(lesson)
    if unknown:
        raise DomainError(_l("Only the lesson's participants can have results."),
                          field="client_id", client_ids=sorted(unknown))
    placed = _place_marks(lesson, cleaned)
    rows = {row.client_id: row for row in db.session.execute(
        select(LessonResult).where(LessonResult.lesson_id == lesson.id)).scalars()}
    for client_id, (_typed, comment) in cleaned.items():
        mark, value = placed[client_id]
        row = rows.get(client_id)
        if mark is None and comment is None:
            if row is not None:
                db.session.delete(row)
                del rows[client_id]
            continue
        if row is None:
            row = rows[client_id] = LessonResult(lesson_id=lesson.id, client_id=client_id)
            db.session.add(row)
        if row.mark != mark:
            row.mark = mark
        if row.mark_value != value:
            row.mark_value = value
        if row.comment != comment:
            row.comment = comment
    db.session.flush()
    return lesson_results(lesson.id)


def _place_marks(lesson, cleaned):
    """``{client id: (mark as stored, normalised value)}`` on the lesson's service's scale;
    the first mark off the scale refuses all of them, naming the participant."""
    from app.models.clients import Client

    service = lesson.service
    placed = {}
    for client_id, (mark, _comment) in sorted(cleaned.items()):
        spot = place_mark(service, mark)
        if spot is None:
            client = db.session.get(Client, client_id)
            raise MarkOffScale(
                _l("%(name)s: \"%(mark)s\" is not on the scale of %(service)s; allowed: "
                   "%(allowed)s.", name=client.full_name if client else client_id, mark=mark,
                   service=service.name, allowed=allowed_marks(service)),
                field="mark", client_id=client_id, allowed=allowed_marks(service))
        placed[client_id] = spot
    return placed


def lesson_results(lesson_id):
    """``{client id: LessonResult}`` of one lesson; one query."""
    return {row.client_id: row for row in db.session.execute(
        select(LessonResult).where(LessonResult.lesson_id == lesson_id)).scalars()}


def results_roster(lesson):
    """The lesson's participants with their result, by name: ``[(client, result or None)]``;
    a constant number of queries."""
    from app.models.clients import Client

    ids = lesson_participant_ids(lesson)
    results = lesson_results(lesson.id)
    clients = db.session.execute(
        select(Client).where(Client.id.in_(ids | set(results) or {-1}))).scalars()
    return sorted(((c, results.get(c.id)) for c in clients),
                  key=lambda row: (row[0].last_name, row[0].first_name, row[0].id))


def client_results(client_ids, lesson_group_ids=None):
    """The results of these clients, oldest first, with the lesson and its service loaded
    (optionally only at the lessons of some groups); one query."""
    ids = list(client_ids)
    if not ids:
        return []
    query = (select(LessonResult).join(Lesson, Lesson.id == LessonResult.lesson_id)
             .where(LessonResult.client_id.in_(ids))
             .options(contains_eager(LessonResult.lesson).joinedload(Lesson.service))
             .order_by(Lesson.starts_at, LessonResult.id))
    if lesson_group_ids is not None:
        query = query.where(Lesson.group_id.in_(list(lesson_group_ids) or [-1]))
    return list(db.session.execute(query).scalars())


def numeric_mark(mark):
    """A mark as a number when it is one ("4", "4.5", "4,5"), else None — for progress charts."""
    try:
        return float(str(mark).replace(",", "."))
    except (TypeError, ValueError):
        return None
