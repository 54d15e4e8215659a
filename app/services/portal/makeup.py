"""Make-up credits.

Rule: an excused absence — a booking cancelled in time (free), or a booked lesson the centre
cancels — gives the client one credit for the same service, valid ``PORTAL_MAKEUP_DAYS`` (30)
days from the missed lesson (one credit per booking, by its unique key). Booking a lesson of
that service without a covering pass uses the oldest valid credit; a credit is taken by a
conditional UPDATE (``used_booking_id IS NULL``), so it books exactly one lesson.
"""
from datetime import timedelta

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models.portal import BOOKED, CANCELLED, Booking, MakeupCredit
from app.models.timetable import LESSON_CANCELLED, Lesson


def makeup_days():
    return int(current_app.config.get("PORTAL_MAKEUP_DAYS", 30))


def grant_credit(booking, lesson):
    """The credit of one excused booking (none twice for the same booking)."""
    if makeup_days() <= 0:
        return None
    credit = MakeupCredit(client_id=booking.client_id, service_id=lesson.service_id,
                          source_booking_id=booking.id,
                          valid_until=lesson.starts_at + timedelta(days=makeup_days()))
    try:
        with db.session.begin_nested():
            db.session.add(credit)
            db.session.flush()
    except IntegrityError:
        return None
    return credit


def usable_credit_id(client_id, service_id, at):
    """The oldest unused credit valid at ``at`` (None without one)."""
    return db.session.scalar(
        select(MakeupCredit.id).where(
            MakeupCredit.client_id == client_id, MakeupCredit.service_id == service_id,
            MakeupCredit.used_booking_id.is_(None), MakeupCredit.valid_until >= at)
        .order_by(MakeupCredit.valid_until, MakeupCredit.id).limit(1))


def use_credit(credit_id, booking_id):
    """Take the credit for a booking: True when this call got it."""
    return db.session.execute(
        update(MakeupCredit).where(MakeupCredit.id == credit_id,
                                   MakeupCredit.used_booking_id.is_(None))
        .values(used_booking_id=booking_id)
        .execution_options(synchronize_session=False)).rowcount == 1


def credits_for_cancelled_lessons():
    """The centre cancelled lessons with bookings: each booking is cancelled (excused) with a
    credit. Returns the number of bookings handled; commits."""
    rows = db.session.execute(
        select(Booking, Lesson).join(Lesson, Lesson.id == Booking.lesson_id)
        .where(Lesson.status == LESSON_CANCELLED, Booking.status == BOOKED)).all()
    done = 0
    for booking, lesson in rows:
        changed = db.session.execute(
            update(Booking).where(Booking.id == booking.id, Booking.status == BOOKED)
            .values(status=CANCELLED, version=Booking.version + 1)
            .execution_options(synchronize_session=False)).rowcount
        if changed == 1:
            grant_credit(booking, lesson)
            done += 1
        db.session.commit()
    return done


def client_credits(client_ids, now):
    return list(db.session.scalars(select(MakeupCredit).where(
        MakeupCredit.client_id.in_(sorted(client_ids) or [-1]),
        MakeupCredit.used_booking_id.is_(None), MakeupCredit.valid_until >= now)))
