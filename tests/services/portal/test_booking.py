"""Booking: the window, the pass, capacity under 50 concurrent requests, cancelling, waitlist
promotion exactly once."""
import threading
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.models.portal import BOOKED, LATE_CANCEL, PROMOTED, WAITING, Booking, LessonSeats, WaitlistEntry
from app.services.platform import DomainError
from app.services.portal import booking
from tests.factories.portal import bookable_lesson, client_with_pass
from tests.factories.timetable import new_client


def test_book_needs_a_pass_and_the_window(db):
    lesson = bookable_lesson(starts_in=timedelta(days=10))
    client = client_with_pass(lesson.service)
    with pytest.raises(DomainError, match="opens 7 days"):
        booking.book(client.id, lesson.id)
    lesson.starts_at = datetime.now() + timedelta(minutes=30)
    lesson.ends_at = lesson.starts_at + timedelta(hours=1)
    db.session.flush()
    with pytest.raises(DomainError, match="closed"):
        booking.book(client.id, lesson.id)
    lesson.starts_at = datetime.now() + timedelta(days=1)
    lesson.ends_at = lesson.starts_at + timedelta(hours=1)
    db.session.flush()
    with pytest.raises(DomainError, match="pass"):
        booking.book(new_client().id, lesson.id)
    made = booking.book(client.id, lesson.id)
    assert made.status == BOOKED
    with pytest.raises(DomainError, match="Already booked"):
        booking.book(client.id, lesson.id)


def test_cancel_gives_the_place_back_once_and_late_is_late(db):
    lesson = bookable_lesson(capacity=1, starts_in=timedelta(hours=3))
    client = client_with_pass(lesson.service)
    other = client_with_pass(lesson.service)
    made = booking.book(client.id, lesson.id)
    db.session.commit()
    with pytest.raises(booking.LessonFull):
        booking.book(other.id, lesson.id)
    db.session.rollback()
    done = booking.cancel(made.id)
    db.session.commit()
    assert done.status == LATE_CANCEL  # 3 hours before: inside the 12-hour limit
    with pytest.raises(DomainError):
        booking.cancel(made.id)
    db.session.rollback()
    assert db.session.get(LessonSeats, lesson.id).booked == 0
    assert booking.book(other.id, lesson.id).status == BOOKED


def test_cancel_refuses_another_familys_booking(db):
    lesson = bookable_lesson()
    client = client_with_pass(lesson.service)
    made = booking.book(client.id, lesson.id)
    db.session.commit()
    with pytest.raises(DomainError):
        booking.cancel(made.id, client_ids={client.id + 1000})


def _run_concurrently(app, work, args_list):
    from app.extensions import db as database

    barrier = threading.Barrier(len(args_list))
    results = []
    lock = threading.Lock()

    def run(args):
        with app.app_context():
            barrier.wait()
            try:
                work(*args)
                database.session.commit()
                outcome = "ok"
            except DomainError:
                database.session.rollback()
                outcome = "refused"
            except Exception as exc:  # a database error is a failure of the rule too
                database.session.rollback()
                outcome = repr(exc)
            finally:
                database.session.remove()
            with lock:
                results.append(outcome)

    threads = [threading.Thread(target=run, args=(args,)) for args in args_list]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_fifty_concurrent_bookings_for_the_last_place_book_exactly_one(app, db):
    lesson = bookable_lesson(capacity=3)
    first = [client_with_pass(lesson.service) for _ in range(2)]
    for client in first:
        booking.book(client.id, lesson.id)
    others = [client_with_pass(lesson.service) for _ in range(50)]
    db.session.commit()
    lesson_id = lesson.id
    results = _run_concurrently(app, booking.book, [(c.id, lesson_id) for c in others])
    assert results.count("ok") == 1, results
    assert results.count("refused") == 49, results
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Booking).where(
        Booking.lesson_id == lesson_id, Booking.status == BOOKED)) == 3
    assert db.session.get(LessonSeats, lesson_id).booked == 3


def test_two_places_freed_at_once_promote_two_clients_once(app, db):
    lesson = bookable_lesson(capacity=2)
    booked = [client_with_pass(lesson.service) for _ in range(2)]
    bookings = [booking.book(c.id, lesson.id) for c in booked]
    db.session.commit()
    waiting = [client_with_pass(lesson.service) for _ in range(3)]
    for client in waiting:
        booking.join_waitlist(client.id, lesson.id)
    db.session.commit()
    for made in bookings:
        booking.cancel(made.id)
    db.session.commit()
    lesson_id = lesson.id
    results = _run_concurrently(app, lambda: booking.promote_waitlist(lesson_id),
                                [() for _ in range(6)])
    assert all(r == "ok" for r in results), results
    db.session.expire_all()
    statuses = dict(db.session.execute(select(WaitlistEntry.client_id, WaitlistEntry.status)
                                       .where(WaitlistEntry.lesson_id == lesson_id)).all())
    assert statuses == {waiting[0].id: PROMOTED, waiting[1].id: PROMOTED, waiting[2].id: WAITING}
    booked_now = db.session.scalars(select(Booking.client_id).where(
        Booking.lesson_id == lesson_id, Booking.status == BOOKED)).all()
    assert sorted(booked_now) == sorted([waiting[0].id, waiting[1].id])
    assert db.session.get(LessonSeats, lesson_id).booked == 2


def test_waitlist_only_when_full_and_before_the_cutoff(db):
    lesson = bookable_lesson(capacity=1, starts_in=timedelta(hours=3))
    client = client_with_pass(lesson.service)
    db.session.commit()
    with pytest.raises(DomainError, match="free places"):
        booking.join_waitlist(client.id, lesson.id)
    db.session.rollback()
    booking.book(client_with_pass(lesson.service).id, lesson.id)
    assert booking.join_waitlist(client.id, lesson.id).status == WAITING
    late = bookable_lesson(capacity=0, starts_in=timedelta(minutes=90))
    with pytest.raises(DomainError, match="waitlist of this lesson has closed"):
        booking.join_waitlist(client_with_pass(late.service).id, late.id)


def test_booked_clients_are_pre_marked_on_the_roster(db):
    from app.services.timetable.attendance import roster

    lesson = bookable_lesson()
    client = client_with_pass(lesson.service)
    booking.book(client.id, lesson.id)
    db.session.commit()
    entries = {e["client"].id: e for e in roster(lesson)}
    assert entries[client.id]["booked"] is True
    assert entries[client.id]["status"] == "present"
