"""Cancellation rules: late cancels and no-shows, their penalties, waiving, blocking.

Rules.
- A service's ``CancellationRule`` says until how many hours before the start a cancellation is
  free (without a rule: ``PORTAL_FREE_CANCEL_HOURS``, 12). Later, it is a late cancel.
- A booked client marked absent (or not marked at all) on a held lesson is a no-show.
- After the lesson ends, ``charge_penalties`` charges each late cancel and no-show once (one
  ``BookingPenalty`` per booking, guarded by its unique key): a session written off the
  client's pass (an owed visit without one) or a fee charged, as the rule says.
- Staff waive a penalty with a reason: its charge or write-off is cancelled, the waiver is kept
  (who, when, why) in the field audit; a waived penalty never counts again.
- ``no_show_limit`` no-shows (not waived) within ``no_show_days`` block booking the service
  for ``block_days`` after the last one.
"""
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models.portal import (BOOKED, LATE_CANCEL, NO_SHOW, PENALTY_FEE, PENALTY_SESSION,
                               Booking, BookingPenalty, CancellationRule)
from app.models.timetable import ABSENT, LESSON_HELD, Attendance, Lesson
from app.services.platform import Conflict, DomainError, NotFound


def rule_for(service_id):
    return db.session.scalar(select(CancellationRule).where(
        CancellationRule.service_id == service_id))


def free_cancel_hours(service_id):
    rule = rule_for(service_id)
    if rule is not None:
        return rule.free_cancel_hours
    return int(current_app.config.get("PORTAL_FREE_CANCEL_HOURS", 12))


def ensure_not_blocked(client_id, service_id, now=None):
    """Refuse a booking while the client's no-shows block the service."""
    rule = rule_for(service_id)
    if rule is None or not rule.no_show_limit:
        return
    now = now or datetime.now()
    rows = db.session.execute(
        select(func.count(), func.max(BookingPenalty.lesson_starts_at))
        .where(BookingPenalty.client_id == client_id, BookingPenalty.service_id == service_id,
               BookingPenalty.kind == NO_SHOW, BookingPenalty.waived.is_(False),
               BookingPenalty.lesson_starts_at >= now - timedelta(days=rule.no_show_days))).one()
    count, last = rows
    if count >= rule.no_show_limit and last is not None \
            and now < last + timedelta(days=rule.block_days):
        raise DomainError(_l("Booking is blocked until %(day)s after repeated no-shows.",
                             day=(last + timedelta(days=rule.block_days)).date()),
                          field="lesson_id")


def _mark_no_shows(now):
    """Booked clients absent (or unmarked) from held lessons become no-shows."""
    attended = select(Attendance.id).where(
        Attendance.lesson_id == Booking.lesson_id, Attendance.client_id == Booking.client_id,
        Attendance.status != ABSENT)
    held = select(Lesson.id).where(Lesson.status == LESSON_HELD, Lesson.ends_at < now)
    db.session.execute(
        update(Booking).where(Booking.status == BOOKED, Booking.lesson_id.in_(held),
                              ~attended.exists())
        .values(status=NO_SHOW, version=Booking.version + 1)
        .execution_options(synchronize_session=False))


def charge_penalties(now=None):
    """Charge every late cancel and no-show of ended lessons once; returns the new penalties.
    Commits each penalty on its own (a rerun or a second worker skips the ones done)."""
    from app.services.money import add_charge, record_owed_visit, write_off_session

    now = now or datetime.now()
    _mark_no_shows(now)
    db.session.commit()
    rows = db.session.execute(
        select(Booking.id, Booking.client_id, Booking.status, Lesson.service_id,
               Lesson.starts_at, CancellationRule)
        .join(Lesson, Lesson.id == Booking.lesson_id)
        .join(CancellationRule, CancellationRule.service_id == Lesson.service_id)
        .outerjoin(BookingPenalty, BookingPenalty.booking_id == Booking.id)
        .where(Booking.status.in_((LATE_CANCEL, NO_SHOW)), Lesson.ends_at < now,
               BookingPenalty.id.is_(None),
               or_(and_(Booking.status == LATE_CANCEL,
                        CancellationRule.late_cancel_penalty.in_((PENALTY_SESSION, PENALTY_FEE))),
                   and_(Booking.status == NO_SHOW,
                        CancellationRule.no_show_penalty.in_((PENALTY_SESSION, PENALTY_FEE)))))
        .order_by(Booking.id)).all()
    made = []
    for booking_id, client_id, status, service_id, starts_at, rule in rows:
        late = status == LATE_CANCEL
        kind = rule.late_cancel_penalty if late else rule.no_show_penalty
        penalty = BookingPenalty(booking_id=booking_id, client_id=client_id,
                                 service_id=service_id, kind=status, penalty=kind,
                                 lesson_starts_at=starts_at)
        try:
            with db.session.begin_nested():
                db.session.add(penalty)
                db.session.flush()
        except IntegrityError:
            db.session.rollback()
            continue  # charged by another worker
        label = _l("Late cancellation") if late else _l("No-show")
        if kind == PENALTY_FEE:
            penalty.amount = rule.late_cancel_fee if late else rule.no_show_fee
            penalty.charge_id = add_charge(client_id, penalty.amount, "penalty",
                                           description=str(label)[:250]).id
        else:
            from app.services.money import NoValidPass

            try:
                write_off = write_off_session(client_id, service_id, starts_at)
            except NoValidPass:
                write_off = record_owed_visit(client_id, service_id, starts_at)
            penalty.write_off_id = write_off.id
        db.session.commit()
        made.append(penalty)
    return made


def waive_penalty(penalty_id, reason, now=None):
    """Waive a penalty with a reason: its fee or session goes back (the caller commits)."""
    from app.models.passes import Charge, SessionWriteOff
    from app.services.money import cancel_write_offs

    if not (reason or "").strip():
        raise DomainError(_l("Give the reason for waiving."), field="reason")
    penalty = db.session.get(BookingPenalty, penalty_id)
    if penalty is None:
        raise NotFound(_l("No such penalty."))
    if penalty.waived:
        raise Conflict(_l("This penalty is already waived."))
    if penalty.charge_id is not None:
        db.session.get(Charge, penalty.charge_id).cancelled = True
    if penalty.write_off_id is not None:
        cancel_write_offs([db.session.get(SessionWriteOff, penalty.write_off_id)])
    penalty.waived = True
    penalty.waived_reason = reason.strip()
    penalty.waived_on = now or datetime.now()
    db.session.flush()
    return penalty
