"""What the role home pages show of the timetable: a day's lessons with fill and red flags, an
instructor's week, the lessons still to mark, and who of today's members owes money.

Every function runs a constant number of queries whatever the number of lessons or members
(the grid's loader: lessons with their fill and red flags in one statement)."""
from datetime import datetime, time, timedelta
from types import SimpleNamespace

from sqlalchemy import select

from app.extensions import db
from app.models.clients import Client
from app.models.timetable import LESSON_CANCELLED, LESSON_PLANNED
from app.services.money import client_balances
from app.services.timetable.grid import lesson_card, lessons_between
from app.services.timetable.lessons import members_by_lesson

MARK_LOOKBACK_DAYS = 14


def _day_bounds(day):
    start = datetime.combine(day, time())
    return start, start + timedelta(days=1)


def day_lessons(day, instructor_ids=None):
    """The lessons of ``day`` (cancelled ones too, shown as such) as grid cards: filled /
    capacity and ``red`` when a member owes money, has a red pass or an item to return.
    ``instructor_ids`` (not None) keeps only those instructors' lessons."""
    start, end = _day_bounds(day)
    return [lesson_card(lesson, lesson["filled"], bool(lesson["red"]))
            for lesson in lessons_between(start, end, instructor_ids=instructor_ids, red_on=day)]


def week_lessons(day, instructor_ids=None):
    """The not-cancelled lessons of the week (Monday to Sunday) holding ``day``, grouped by date:
    ``[(date, [card, …])]``, days without lessons left out."""
    first = day - timedelta(days=day.weekday())
    start = datetime.combine(first, time())
    lessons = lessons_between(start, start + timedelta(days=7), instructor_ids=instructor_ids,
                              with_cancelled=False, red_on=day)
    by_day = {}
    for lesson in lessons:
        by_day.setdefault(lesson["starts_at"].date(), []).append(
            lesson_card(lesson, lesson["filled"], bool(lesson["red"])))
    return sorted(by_day.items())


def lessons_to_mark(now=None, instructor_ids=None, lookback_days=MARK_LOOKBACK_DAYS):
    """Lessons that have started (within the last ``lookback_days``) but are still only planned:
    attendance is waiting to be marked. Oldest first."""
    now = now or datetime.now()
    return [lesson_card(lesson, lesson["filled"], False)
            for lesson in lessons_between(now - timedelta(days=lookback_days), now,
                                          instructor_ids=instructor_ids, with_cancelled=False,
                                          filled=True)
            if lesson["status"] == LESSON_PLANNED]


def debtors_coming(day):
    """Clients expected today (members of the day's lessons, not cancelled) who owe money, with
    their balance and first lesson time: the debts to collect at the desk today. Biggest first."""
    start, end = _day_bounds(day)
    lessons = lessons_between(start, end, with_cancelled=False)
    members = members_by_lesson([SimpleNamespace(**lesson) for lesson in lessons])
    first_lesson = {}
    for lesson in lessons:
        for client_id in members[lesson["id"]]:
            first_lesson.setdefault(client_id, lesson)
    if not first_lesson:
        return []
    owing = {cid: amount for cid, amount in client_balances(first_lesson).items() if amount > 0}
    if not owing:
        return []
    clients = {c.id: c for c in db.session.scalars(select(Client).where(Client.id.in_(owing)))}
    rows = [{"client": clients[cid], "client_id": cid, "balance": amount,
             "lesson": lesson_card(first_lesson[cid], 0, False)}
            for cid, amount in owing.items() if cid in clients]
    return sorted(rows, key=lambda r: (-r["balance"], r["client"].full_name))


def is_cancelled(card):
    return card["status"] == LESSON_CANCELLED
