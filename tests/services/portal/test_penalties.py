"""Cancellation rules: a late-cancel fee charged once after the lesson and waivable (audited);
a no-show forfeits a session; repeated no-shows block booking."""
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.models.passes import Charge, Pass
from app.models.portal import NO_SHOW, Booking, BookingPenalty, CancellationRule
from app.models.timetable import LESSON_HELD
from app.services.platform import DomainError
from app.services.portal import booking, penalties
from tests.factories.portal import bookable_lesson, client_with_pass


def _rule(service, **values):
    rule = CancellationRule(service_id=service.id, **values)
    from app.extensions import db

    db.session.add(rule)
    db.session.flush()
    return rule


def test_late_cancel_fee_is_charged_once_and_waivable(db):
    lesson = bookable_lesson(starts_in=timedelta(hours=5))
    _rule(lesson.service, free_cancel_hours=24, late_cancel_penalty="fee",
          late_cancel_fee=Decimal("7.50"))
    client = client_with_pass(lesson.service)
    made = booking.book(client.id, lesson.id)
    db.session.commit()
    assert booking.cancel(made.id).status == "late_cancel"
    db.session.commit()
    assert penalties.charge_penalties() == []  # not before the lesson is over
    later = lesson.ends_at + timedelta(minutes=1)
    charged = penalties.charge_penalties(now=later)
    assert len(charged) == 1 and charged[0].amount == Decimal("7.50")
    assert penalties.charge_penalties(now=later) == []  # once
    charge = db.session.get(Charge, charged[0].charge_id)
    assert charge.amount == Decimal("7.50") and charge.client_id == client.id
    with pytest.raises(DomainError):
        penalties.waive_penalty(charged[0].id, "  ")
    penalties.waive_penalty(charged[0].id, "child was ill")
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Charge, charge.id).cancelled is True
    penalty = db.session.get(BookingPenalty, charged[0].id)
    assert penalty.waived and penalty.waived_reason == "child was ill"
    with pytest.raises(DomainError):
        penalties.waive_penalty(penalty.id, "again")


def test_free_cancel_before_the_limit_costs_nothing(db):
    lesson = bookable_lesson(starts_in=timedelta(days=2))
    _rule(lesson.service, free_cancel_hours=24, late_cancel_penalty="fee",
          late_cancel_fee=Decimal("5"))
    made = booking.book(client_with_pass(lesson.service).id, lesson.id)
    assert booking.cancel(made.id).status == "cancelled"
    db.session.commit()
    assert penalties.charge_penalties(now=lesson.ends_at + timedelta(hours=1)) == []


def test_no_shows_forfeit_a_session_and_block_booking(db):
    first = bookable_lesson(starts_in=timedelta(hours=5))
    service = first.service
    _rule(service, no_show_penalty="session", no_show_limit=1, no_show_days=30, block_days=7)
    client = client_with_pass(service)
    booking.book(client.id, first.id)
    first.status = LESSON_HELD
    db.session.commit()
    before = db.session.scalar(select(Pass.sessions_used).where(Pass.client_id == client.id))
    made = penalties.charge_penalties(now=first.ends_at + timedelta(minutes=5))
    assert len(made) == 1 and made[0].kind == NO_SHOW and made[0].write_off_id
    assert db.session.scalar(select(Booking.status)) == NO_SHOW
    after = db.session.scalar(select(Pass.sessions_used).where(Pass.client_id == client.id))
    assert after == before + 1
    from tests.factories.timetable import make_lesson

    second = make_lesson(group=first.group, starts_at=datetime.now() + timedelta(days=1))
    db.session.commit()
    with pytest.raises(DomainError, match="blocked"):
        booking.book(client.id, second.id, now=first.ends_at + timedelta(hours=1))
    db.session.rollback()
    penalties.waive_penalty(made[0].id, "our mistake")
    db.session.commit()
    assert booking.book(client.id, second.id).status == "booked"


def test_a_free_cancel_gives_a_make_up_credit_used_once(db):
    from app.models.portal import MakeupCredit

    lesson = bookable_lesson(starts_in=timedelta(days=2))
    client = client_with_pass(lesson.service)
    made = booking.book(client.id, lesson.id)
    db.session.commit()
    booking.cancel(made.id)
    db.session.commit()
    # the pass is used up meanwhile: the credit alone books the next lesson
    db.session.execute(Pass.__table__.update().values(status="used_up"))
    from tests.factories.timetable import make_lesson

    other = make_lesson(group=lesson.group, starts_at=lesson.starts_at + timedelta(days=1))
    third = make_lesson(group=lesson.group, starts_at=lesson.starts_at + timedelta(days=2))
    db.session.commit()
    placed = booking.book(client.id, other.id)
    db.session.commit()
    credit = db.session.scalar(select(MakeupCredit))
    assert credit.used_booking_id == placed.id
    with pytest.raises(DomainError, match="pass"):
        booking.book(client.id, third.id)


def test_the_centre_cancelling_a_lesson_excuses_its_bookings(db):
    from app.models.portal import MakeupCredit
    from app.services.portal.makeup import credits_for_cancelled_lessons

    lesson = bookable_lesson()
    made = booking.book(client_with_pass(lesson.service).id, lesson.id)
    lesson.status = "cancelled"
    db.session.commit()
    assert credits_for_cancelled_lessons() == 1
    assert credits_for_cancelled_lessons() == 0
    assert db.session.get(Booking, made.id).status == "cancelled"
    assert db.session.scalar(select(MakeupCredit.source_booking_id)) == made.id
