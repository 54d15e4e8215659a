"""The promotion job: a cancelled place goes to the first waiting client, who is told by email
in their language; running the job again changes nothing."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.models.portal import BOOKED, Booking
from app.services.portal import booking
from tests.communication_fixtures import smtp_server  # noqa: F401
from tests.factories.portal import bookable_lesson, client_with_pass


@pytest.fixture
def sync_jobs(app):
    saved = app.config.get("RQ_ASYNC")
    app.config["RQ_ASYNC"] = False
    yield
    app.config["RQ_ASYNC"] = saved


def test_cancellation_promotes_the_first_waiting_client_once(app, db, smtp_server, sync_jobs):
    from app.jobs.portal import enqueue_promotion, promote_waitlists

    lesson = bookable_lesson(capacity=1, starts_in=timedelta(days=2))
    holder = client_with_pass(lesson.service)
    first = client_with_pass(lesson.service, email="first@example.org")
    second = client_with_pass(lesson.service, email="second@example.org")
    made = booking.book(holder.id, lesson.id)
    db.session.commit()
    booking.join_waitlist(first.id, lesson.id)
    db.session.commit()
    booking.join_waitlist(second.id, lesson.id)
    db.session.commit()
    booking.cancel(made.id)
    db.session.commit()
    lesson_id, first_id = lesson.id, first.id
    enqueue_promotion(lesson_id)
    enqueue_promotion(lesson_id)
    promote_waitlists()
    db.session.expire_all()
    booked = db.session.scalars(select(Booking.client_id).where(
        Booking.lesson_id == lesson_id, Booking.status == BOOKED)).all()
    assert booked == [first_id]
    assert smtp_server.addresses() == ["first@example.org"]
