"""Private calendar feeds (iCal): a client's bookings and an instructor's lessons.

Rules.
- A feed is read with a long random token in its URL (``secrets.token_urlsafe(32)``); only the
  token's SHA-256 is stored, so the URL is shown once, when it is issued.
- An owner (client card or instructor) has at most one live feed: issuing a new one revokes the
  last; a revoked or unknown token is refused as "not found" (the page answers 404).
- The client's feed lists their booked lessons (not cancelled ones); the instructor's lists
  their lessons that are not cancelled; both from ``FEED_DAYS_BACK`` days ago on. Times carry
  the centre's time zone (``TESSERA_TIMEZONE``) as a TZID, with its VTIMEZONE.
- Building a feed costs a fixed number of queries whatever the number of events.
"""
import hashlib
import secrets
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models.clients import Client
from app.models.portal import BOOKED, Booking, CalendarFeed
from app.models.staff import Employee
from app.models.timetable import LESSON_CANCELLED, Lesson
from app.services.platform import NotFound

FEED_DAYS_BACK = 30


def _digest(token):
    return hashlib.sha256((token or "").encode()).hexdigest()


def _owner_filter(client_id=None, employee_id=None):
    if client_id is not None:
        return CalendarFeed.client_id == client_id
    return CalendarFeed.employee_id == employee_id


def issue_feed(client_id=None, employee_id=None, now=None):
    """Issue a new feed token for a client card or an instructor, revoking the live one;
    returns the token (the caller commits and shows it once)."""
    if (client_id is None) == (employee_id is None):
        raise ValueError("a feed belongs to a client or an instructor")
    if client_id is not None and db.session.get(Client, client_id) is None:
        raise NotFound(_l("No such client."), field="client_id")
    if employee_id is not None and db.session.get(Employee, employee_id) is None:
        raise NotFound(_l("No such instructor."), field="employee_id")
    now = now or datetime.now()
    revoke_feed(client_id=client_id, employee_id=employee_id, now=now)
    token = secrets.token_urlsafe(32)
    db.session.add(CalendarFeed(token_hash=_digest(token), client_id=client_id,
                                employee_id=employee_id, created_on=now))
    db.session.flush()
    return token


def revoke_feed(client_id=None, employee_id=None, now=None):
    """Revoke the live feed of a client card or an instructor (nothing if there is none)."""
    db.session.execute(update(CalendarFeed)
                       .where(_owner_filter(client_id, employee_id),
                              CalendarFeed.revoked_at.is_(None))
                       .values(revoked_at=now or datetime.now()))


def live_feeds(client_ids=(), employee_ids=()):
    """When the live feed of each owner was issued: ``{("client"|"instructor", id): date}``."""
    rows = db.session.scalars(select(CalendarFeed).where(
        CalendarFeed.revoked_at.is_(None),
        (CalendarFeed.client_id.in_(sorted(client_ids) or [-1]))
        | (CalendarFeed.employee_id.in_(sorted(employee_ids) or [-1]))))
    return {(feed.kind, feed.client_id or feed.employee_id): feed.created_on for feed in rows}


def _zone():
    return ZoneInfo(current_app.config.get("TESSERA_TIMEZONE") or "UTC")


def _event(lesson, zone, uid, summary):
    event = icalendar.Event()
    event.add("uid", uid)
    event.add("summary", summary)
    event.add("dtstart", lesson.starts_at.replace(tzinfo=zone))
    event.add("dtend", lesson.ends_at.replace(tzinfo=zone))
    event.add("dtstamp", datetime.now(ZoneInfo("UTC")))
    if lesson.room is not None:
        event.add("location", lesson.room.name)
    return event


def _calendar(name, events):
    cal = icalendar.Calendar()
    cal.add("prodid", "-//Tessera//calendar feed//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    for event in events:
        cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()


def feed_calendar(token, now=None):
    """The iCal text (bytes) of the live feed the token opens; a revoked or unknown token is
    refused as not found."""
    feed = db.session.scalar(select(CalendarFeed).where(
        CalendarFeed.token_hash == _digest(token), CalendarFeed.revoked_at.is_(None)))
    if feed is None:
        raise NotFound(_l("No such calendar."))
    since = (now or datetime.now()) - timedelta(days=FEED_DAYS_BACK)
    zone = _zone()
    host = current_app.config.get("SERVER_NAME") or "tessera"
    if feed.client_id is not None:
        client = db.session.get(Client, feed.client_id)
        bookings = db.session.scalars(
            select(Booking).join(Lesson, Lesson.id == Booking.lesson_id)
            .where(Booking.client_id == feed.client_id, Booking.status == BOOKED,
                   Lesson.status != LESSON_CANCELLED, Lesson.starts_at >= since)
            .options(selectinload(Booking.lesson).selectinload(Lesson.service),
                     selectinload(Booking.lesson).selectinload(Lesson.room))
            .order_by(Lesson.starts_at)).all()
        events = [_event(b.lesson, zone, f"booking-{b.id}@{host}", b.lesson.service.name)
                  for b in bookings]
        return _calendar(f"{client.first_name} {client.last_name}", events)
    employee = db.session.get(Employee, feed.employee_id)
    lessons = db.session.scalars(
        select(Lesson).where(Lesson.instructor_id == feed.employee_id,
                             Lesson.status != LESSON_CANCELLED, Lesson.starts_at >= since)
        .options(selectinload(Lesson.service), selectinload(Lesson.room),
                 selectinload(Lesson.group))
        .order_by(Lesson.starts_at)).all()
    events = [_event(lesson, zone, f"lesson-{lesson.id}@{host}",
                     " · ".join(filter(None, [lesson.service.name,
                                              lesson.group.name if lesson.group else None])))
              for lesson in lessons]
    return _calendar(employee.full_name, events)
