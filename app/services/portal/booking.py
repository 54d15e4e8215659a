"""Booking group lessons, and the waitlist.

Rules.
- A lesson is bookable when its group has booking settings that are open, the lesson is
  planned, and now is inside the booking window: from ``opens_days_before`` days to
  ``closes_minutes_before`` minutes before its start.
- The client must hold a pass covering the lesson's service at its start (the write-off rule).
- Places: a per-lesson counter (``LessonSeats``) is taken by one guarded
  ``UPDATE … SET booked = booked + 1 WHERE booked < capacity``; whoever's UPDATE matched no row
  gets "full". So the capacity is never exceeded, however many bookings arrive at once, on
  SQLite and PostgreSQL; a cancellation gives the place back with the mirror UPDATE, guarded
  by the booking's own ``status = 'booked'`` so one cancellation frees one place, once.
- Cancelling before the service's free-cancel limit (see ``penalties``) is free, later it is a
  late cancel; repeated no-shows may block booking the service. A free cancellation gives a
  make-up credit (see ``makeup``), which books a lesson of the service without a pass, once.
- Waitlist: a full lesson may be joined until ``waitlist_cutoff_minutes`` before its start. When
  a place frees, ``promote_waitlist`` books the first waiting clients, in order, one per free
  place: each entry is claimed by a conditional UPDATE (``waiting`` → ``promoted``) in the same
  transaction that takes the place, so two promoters never promote the same entry twice and
  never promote more clients than there are places.
"""
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager

from app.extensions import db
from app.models.portal import (BOOKED, CANCELLED, LATE_CANCEL, LEFT, PROMOTED, WAITING, Booking,
                               BookingSettings, LessonSeats, WaitlistEntry)
from app.models.timetable import LESSON_PLANNED, Lesson
from app.services.platform import Conflict, DomainError, NotFound
from app.services.portal import makeup
from app.services.portal.penalties import ensure_not_blocked, free_cancel_hours


class LessonFull(Conflict):
    """No place left in the lesson."""


def save_settings(group_id, **values):
    """Create or change a group's booking mode (see ``apply_settings``; the caller commits)."""
    settings = db.session.scalar(select(BookingSettings).where(BookingSettings.group_id == group_id))
    if settings is None:
        settings = BookingSettings(group_id=group_id)
        db.session.add(settings)
    for name, value in values.items():
        setattr(settings, name, value)
    return apply_settings(settings)


def apply_settings(settings):
    """Check a booking mode (numbers of zero or more, defaults filled) and make the place
    counters of the group's future lessons follow its capacity, never below what is booked."""
    defaults = {"capacity": 10, "opens_days_before": 7, "closes_minutes_before": 60,
                "waitlist_cutoff_minutes": 120}
    for name, default in defaults.items():
        value = getattr(settings, name)
        value = default if value is None else value
        try:
            value = int(value)
        except (TypeError, ValueError):
            value = -1
        if value < 0:
            raise DomainError(_l("Enter a number of zero or more."), field=name)
        setattr(settings, name, value)
    settings.open = True if settings.open is None else bool(settings.open)
    if settings.group_id is None and settings.group is None:
        raise DomainError(_l("Choose a group."), field="group")
    db.session.add(settings)
    db.session.flush()
    future = select(Lesson.id).where(Lesson.group_id == settings.group_id,
                                     Lesson.starts_at > datetime.now())
    greatest = func.max if db.session.get_bind().dialect.name == "sqlite" else func.greatest
    db.session.execute(update(LessonSeats).where(LessonSeats.lesson_id.in_(future))
                       .values(capacity=greatest(LessonSeats.booked, settings.capacity))
                       .execution_options(synchronize_session=False))
    return settings


def _lesson_and_settings(lesson_id):
    row = db.session.execute(
        select(Lesson, BookingSettings)
        .outerjoin(BookingSettings, BookingSettings.group_id == Lesson.group_id)
        .where(Lesson.id == lesson_id)).first()
    if row is None:
        raise NotFound(_l("No such lesson."), field="lesson_id")
    return row[0], row[1]


def _check_open(lesson, settings, now):
    if settings is None or not settings.open or lesson.group_id is None:
        raise DomainError(_l("This lesson is not open to booking."), field="lesson_id")
    if lesson.status != LESSON_PLANNED:
        raise DomainError(_l("This lesson is cancelled or over."), field="lesson_id")
    if now < lesson.starts_at - timedelta(days=settings.opens_days_before):
        raise DomainError(_l("Booking for this lesson opens %(days)d days before it.",
                             days=settings.opens_days_before), field="lesson_id")
    if now > lesson.starts_at - timedelta(minutes=settings.closes_minutes_before):
        raise DomainError(_l("Booking for this lesson has closed."), field="lesson_id")


def _ensure_seats(lesson_id, capacity):
    """The lesson's counter row, created on first use (a concurrent creator's row is kept)."""
    if db.session.get(LessonSeats, lesson_id) is not None:
        return
    try:
        with db.session.begin_nested():
            db.session.add(LessonSeats(lesson_id=lesson_id, capacity=capacity, booked=0))
    except IntegrityError:
        pass


def _take_seat(lesson_id):
    """The guarded UPDATE: True when a place was taken."""
    return db.session.execute(
        update(LessonSeats).where(LessonSeats.lesson_id == lesson_id,
                                  LessonSeats.booked < LessonSeats.capacity)
        .values(booked=LessonSeats.booked + 1)
        .execution_options(synchronize_session=False)).rowcount == 1


def _give_seat(lesson_id):
    db.session.execute(
        update(LessonSeats).where(LessonSeats.lesson_id == lesson_id, LessonSeats.booked > 0)
        .values(booked=LessonSeats.booked - 1).execution_options(synchronize_session=False))


def _covered(client_id, lesson):
    from app.services.money import has_covering_pass

    return has_covering_pass(client_id, lesson.service_id, lesson.starts_at)


def _check_pass(client_id, lesson):
    from app.services.money import has_covering_pass

    if not has_covering_pass(client_id, lesson.service_id, lesson.starts_at):
        raise DomainError(_l("No valid pass covers this lesson; buy a pass first."),
                          field="lesson_id")


def _place(lesson, client_id, account_id):
    """Store the booking (reusing a cancelled one of the same client and lesson)."""
    booking = db.session.scalar(select(Booking).where(Booking.lesson_id == lesson.id,
                                                      Booking.client_id == client_id))
    if booking is None:
        booking = Booking(lesson_id=lesson.id, client_id=client_id, account_id=account_id,
                          status=BOOKED)
        db.session.add(booking)
    else:
        booking.status, booking.cancelled_at, booking.account_id = BOOKED, None, account_id
    db.session.flush()
    return booking


def book(client_id, lesson_id, account_id=None, now=None):
    """Book a place for a client (see the module's rules); the caller commits, and on any
    error rolls back (the place taken in this transaction goes back with it)."""
    now = now or datetime.now()
    lesson, settings = _lesson_and_settings(lesson_id)
    _check_open(lesson, settings, now)
    existing = db.session.scalar(select(Booking.status).where(
        Booking.lesson_id == lesson.id, Booking.client_id == client_id))
    if existing == BOOKED:
        raise Conflict(_l("Already booked for this lesson."), field="lesson_id")
    ensure_not_blocked(client_id, lesson.service_id, now)
    credit_id = None
    if not _covered(client_id, lesson):
        credit_id = makeup.usable_credit_id(client_id, lesson.service_id, lesson.starts_at)
        if credit_id is None:
            _check_pass(client_id, lesson)
    _ensure_seats(lesson.id, settings.capacity)
    if not _take_seat(lesson.id):
        raise LessonFull(_l("This lesson is full; you can join its waitlist."),
                         field="lesson_id")
    placed = _place(lesson, client_id, account_id)
    if credit_id is not None and not makeup.use_credit(credit_id, placed.id):
        raise Conflict(_l("This make-up credit was just used; try again."), field="lesson_id")
    return placed


def cancel(booking_id, client_ids=None, now=None):
    """Cancel a booking (of one of ``client_ids`` when given): free before the free-cancel
    limit, a late cancel after; its place goes back once. Returns the booking."""
    now = now or datetime.now()
    booking = db.session.get(Booking, booking_id)
    if booking is None or (client_ids is not None and booking.client_id not in client_ids):
        raise NotFound(_l("No such booking."))
    if booking.status != BOOKED:
        raise Conflict(_l("This booking is already cancelled."))
    lesson = booking.lesson
    if now >= lesson.starts_at:
        raise DomainError(_l("The lesson has started; it can no longer be cancelled."))
    late = now > lesson.starts_at - timedelta(hours=free_cancel_hours(lesson.service_id))
    status = LATE_CANCEL if late else CANCELLED
    changed = db.session.execute(
        update(Booking).where(Booking.id == booking.id, Booking.status == BOOKED)
        .values(status=status, cancelled_at=now, version=Booking.version + 1)
        .execution_options(synchronize_session=False)).rowcount
    if changed != 1:
        raise Conflict(_l("This booking is already cancelled."))
    _give_seat(lesson.id)
    db.session.refresh(booking)
    if not late:
        makeup.grant_credit(booking, lesson)  # an excused absence
    return booking


def join_waitlist(client_id, lesson_id, account_id=None, now=None):
    """Join a full lesson's waitlist (until its cutoff); the caller commits."""
    now = now or datetime.now()
    lesson, settings = _lesson_and_settings(lesson_id)
    if settings is None or not settings.open or lesson.status != LESSON_PLANNED:
        raise DomainError(_l("This lesson is not open to booking."), field="lesson_id")
    if now > lesson.starts_at - timedelta(minutes=settings.waitlist_cutoff_minutes):
        raise DomainError(_l("The waitlist of this lesson has closed."), field="lesson_id")
    if db.session.scalar(select(Booking.id).where(Booking.lesson_id == lesson.id,
                                                  Booking.client_id == client_id,
                                                  Booking.status == BOOKED)):
        raise Conflict(_l("Already booked for this lesson."), field="lesson_id")
    _check_pass(client_id, lesson)
    _ensure_seats(lesson.id, settings.capacity)
    seats = db.session.get(LessonSeats, lesson.id)
    db.session.refresh(seats)
    if seats.booked < seats.capacity:
        raise Conflict(_l("There are free places: book the lesson instead."), field="lesson_id")
    entry = db.session.scalar(select(WaitlistEntry).where(WaitlistEntry.lesson_id == lesson.id,
                                                          WaitlistEntry.client_id == client_id))
    if entry is not None and entry.status == WAITING:
        raise Conflict(_l("Already on the waitlist of this lesson."), field="lesson_id")
    if entry is None:
        entry = WaitlistEntry(lesson_id=lesson.id, client_id=client_id, account_id=account_id)
        db.session.add(entry)
    else:
        entry.status, entry.promoted_at = WAITING, None
    db.session.flush()
    return entry


def leave_waitlist(entry_id, client_ids=None):
    entry = db.session.get(WaitlistEntry, entry_id)
    if entry is None or (client_ids is not None and entry.client_id not in client_ids):
        raise NotFound(_l("No such waitlist entry."))
    db.session.execute(update(WaitlistEntry).where(WaitlistEntry.id == entry.id,
                                                   WaitlistEntry.status == WAITING)
                       .values(status=LEFT, version=WaitlistEntry.version + 1)
                       .execution_options(synchronize_session=False))


def lessons_with_waitlist(now=None):
    """Lessons that have waiting clients and may still promote them (before the cutoff)."""
    now = now or datetime.now()
    rows = db.session.execute(
        select(WaitlistEntry.lesson_id, Lesson.starts_at, BookingSettings.waitlist_cutoff_minutes)
        .join(Lesson, Lesson.id == WaitlistEntry.lesson_id)
        .join(BookingSettings, BookingSettings.group_id == Lesson.group_id)
        .where(WaitlistEntry.status == WAITING, Lesson.status == LESSON_PLANNED,
               Lesson.starts_at > now).distinct()).all()
    return sorted(lesson_id for lesson_id, starts_at, cutoff in rows
                  if now <= starts_at - timedelta(minutes=cutoff))


def promote_waitlist(lesson_id, now=None):
    """Book the first waiting clients while places are free (see the module's rule). Each
    promotion commits on its own. Returns the promoted bookings."""
    now = now or datetime.now()
    promoted = []
    while True:
        lesson, settings = _lesson_and_settings(lesson_id)
        if settings is None or lesson.status != LESSON_PLANNED \
                or now > lesson.starts_at - timedelta(minutes=settings.waitlist_cutoff_minutes):
            return promoted
        entry = db.session.execute(
            select(WaitlistEntry.id, WaitlistEntry.client_id, WaitlistEntry.account_id)
            .where(WaitlistEntry.lesson_id == lesson_id, WaitlistEntry.status == WAITING)
            .order_by(WaitlistEntry.id).limit(1)).first()
        if entry is None:
            return promoted
        claimed = db.session.execute(
            update(WaitlistEntry).where(WaitlistEntry.id == entry.id,
                                        WaitlistEntry.status == WAITING)
            .values(status=PROMOTED, promoted_at=now, version=WaitlistEntry.version + 1)
            .execution_options(synchronize_session=False)).rowcount
        if claimed != 1:
            db.session.rollback()
            continue  # another promoter took it: look at the next one
        if not _take_seat(lesson_id):
            db.session.rollback()  # no place: the entry stays waiting
            return promoted
        promoted.append(_place(lesson, entry.client_id, entry.account_id))
        db.session.commit()


def client_bookings(client_ids, since=None):
    """The clients' bookings of lessons from ``since`` (default: today), soonest first, with
    their lesson and its service (one query)."""
    since = since or datetime.combine(datetime.now().date(), datetime.min.time())
    return list(db.session.scalars(
        select(Booking).join(Lesson, Lesson.id == Booking.lesson_id)
        .options(contains_eager(Booking.lesson).joinedload(Lesson.service))
        .where(Booking.client_id.in_(sorted(client_ids) or [-1]), Lesson.starts_at >= since)
        .order_by(Lesson.starts_at, Booking.id)))


def client_waitlist(client_ids):
    return list(db.session.scalars(
        select(WaitlistEntry).join(Lesson, Lesson.id == WaitlistEntry.lesson_id)
        .where(WaitlistEntry.client_id.in_(sorted(client_ids) or [-1]),
               WaitlistEntry.status == WAITING, Lesson.starts_at >= datetime.now())
        .order_by(Lesson.starts_at)))


def bookable_lessons(now=None):
    """Lessons open to booking now, soonest first, with their free places:
    ``[(lesson, settings, free places)]`` — three queries whatever the number of lessons."""
    from sqlalchemy.orm import selectinload

    now = now or datetime.now()
    rows = db.session.execute(
        select(Lesson, BookingSettings)
        .join(BookingSettings, BookingSettings.group_id == Lesson.group_id)
        .where(BookingSettings.open.is_(True), Lesson.status == LESSON_PLANNED,
               Lesson.starts_at > now,
               Lesson.starts_at <= now + timedelta(days=60))
        .options(selectinload(Lesson.service), selectinload(Lesson.room),
                 selectinload(Lesson.instructor))
        .order_by(Lesson.starts_at, Lesson.id)).all()
    rows = [(lesson, settings) for lesson, settings in rows
            if lesson.starts_at - timedelta(days=settings.opens_days_before) <= now
            <= lesson.starts_at - timedelta(minutes=settings.closes_minutes_before)]
    ids = [lesson.id for lesson, _settings in rows]
    booked = dict(db.session.execute(select(LessonSeats.lesson_id, LessonSeats.booked)
                                     .where(LessonSeats.lesson_id.in_(ids or [-1]))).all())
    return [(lesson, settings, max(settings.capacity - booked.get(lesson.id, 0), 0))
            for lesson, settings in rows]


def booked_client_ids(lesson_id):
    return set(db.session.scalars(select(Booking.client_id).where(
        Booking.lesson_id == lesson_id, Booking.status == BOOKED)))
