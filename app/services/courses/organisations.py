"""Organisations as paying clients: what they were charged for their people's courses, what
they paid, what they still owe (balance = charges − payments; positive = debt, as for clients),
per course as well, and the list of receivables (who, which course, how paid).

Charges are the prices of the participants of the organisation's registrations (a free
participant costs nothing); every figure is a grouped SQL query, whatever the number of rows.
"""
from dataclasses import dataclass
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models.clients import Organisation
from app.models.courses import (Course, CourseParticipant, CourseRegistration,
                                OrganisationPayment)
from app.services import timetable
from app.services.courses import hooks
from app.services.money import shift_for_payment
from app.services.platform import DomainError, NotFound

ZERO = Decimal("0.00")
CENT = Decimal("0.01")


def _money(value):
    return Decimal(value or 0).quantize(CENT)


def get_organisation(organisation_id):
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None:
        raise NotFound(_l("No such organisation."))
    return organisation


ORGANISATION_METHODS = ("cash", "card", "transfer")


def record_payment(organisation_id, amount, paid_on=None, course_id=None, method="transfer",
                   note=None, taken_by_id=None):
    """Money received from an organisation, optionally for one course; a payment is positive.
    It follows money's payment rules: it is recorded against the shift open for its cashier
    (refused, 409, without one when ``PAYMENTS_REQUIRE_OPEN_SHIFT`` is on) so it appears in
    that shift's Z-report by method, and the ``organisation_paid`` listeners (the automatic
    receipt) run in its transaction."""
    get_organisation(organisation_id)
    if course_id is not None and db.session.get(Course, course_id) is None:
        raise NotFound(_l("No such course."), field="course")
    try:
        amount = None if amount is None else Decimal(str(amount).strip())
    except ArithmeticError:
        raise DomainError(_l("Enter an amount of money."), field="amount") from None
    payment = OrganisationPayment(organisation_id=organisation_id, amount=amount,
                                  course_id=course_id, method=method or "transfer", note=note)
    if paid_on is not None:
        payment.paid_on = paid_on
    return take_payment(payment, taken_by_id)


def take_payment(payment, taken_by_id):
    """Record a new organisation's payment (built by ``record_payment`` or the payment form)
    under money's rules: checked (``validate_payment``), tied to the cashier's open shift,
    added, flushed, then the ``organisation_paid`` listeners run."""
    validate_payment(payment)
    payment.amount = _money(payment.amount)
    payment.cash_shift_id = shift_for_payment(taken_by_id)
    payment.taken_by_fk = taken_by_id
    db.session.add(payment)
    db.session.flush()
    hooks.fire(hooks.ORGANISATION_PAID, payment)
    return payment


def validate_payment(payment):
    """For the payment form: an organisation, a positive amount and a desk method (cash, card
    or bank transfer)."""
    if payment.organisation_id is None and payment.organisation is None:
        raise DomainError(_l("Choose an organisation."), field="organisation")
    if payment.amount is None or not payment.amount.is_finite() or payment.amount <= 0:
        raise DomainError(_l("A payment must be a positive amount."), field="amount")
    if (payment.method or "transfer") not in ORGANISATION_METHODS:
        raise DomainError(_l("Unknown payment method."), field="method")


def _charges_by_course(organisation_ids):
    return db.session.execute(
        select(CourseRegistration.organisation_id, CourseParticipant.course_id,
               func.sum(CourseParticipant.price))
        .join(CourseRegistration, CourseRegistration.id == CourseParticipant.registration_id)
        .where(CourseRegistration.organisation_id.in_(organisation_ids))
        .group_by(CourseRegistration.organisation_id, CourseParticipant.course_id)).all()


def _payments_by_course(organisation_ids):
    return db.session.execute(
        select(OrganisationPayment.organisation_id, OrganisationPayment.course_id,
               func.sum(OrganisationPayment.amount))
        .where(OrganisationPayment.organisation_id.in_(organisation_ids))
        .group_by(OrganisationPayment.organisation_id, OrganisationPayment.course_id)).all()


@dataclass
class Balance:
    charges: Decimal = ZERO
    payments: Decimal = ZERO

    @property
    def balance(self):
        """Charges − payments: positive is what the organisation owes."""
        return self.charges - self.payments

    def as_dict(self):
        return {"charges": str(self.charges), "payments": str(self.payments),
                "balance": str(self.balance)}


def organisation_balances(organisation_ids):
    """``{organisation id: Balance}`` for every id asked, in two grouped queries."""
    ids = list(organisation_ids)
    result = {oid: Balance() for oid in ids}
    if not ids:
        return result
    for oid, _course, total in _charges_by_course(ids):
        result[oid].charges = _money(result[oid].charges + _money(total))
    for oid, _course, total in _payments_by_course(ids):
        result[oid].payments = _money(result[oid].payments + _money(total))
    return result


def organisation_balance(organisation_id):
    get_organisation(organisation_id)
    return organisation_balances([organisation_id])[organisation_id]


def receivables_by_course(organisation_id):
    """``[(course, Balance)]``: per course, what the organisation was charged and paid for it;
    payments not tied to a course are shown with ``course`` None. Courses by start date."""
    get_organisation(organisation_id)
    per_course = {}
    for _oid, course_id, total in _charges_by_course([organisation_id]):
        per_course.setdefault(course_id, Balance()).charges = _money(total)
    for _oid, course_id, total in _payments_by_course([organisation_id]):
        per_course.setdefault(course_id, Balance()).payments = _money(total)
    courses = {c.id: c for c in db.session.execute(
        select(Course).where(Course.id.in_([cid for cid in per_course if cid]))).scalars()}
    rows = [(courses.get(cid), balance) for cid, balance in per_course.items()]
    return sorted(rows, key=lambda row: (row[0] is None, row[0].starts_on if row[0] else None,
                                         row[0].id if row[0] else 0))


def course_receivables(course_id):
    """Who owes for a course: each organisation's charges and payments for it, and the private
    participants whose payment is still to come (pay later / guarantee letter), with their
    payment type; constant number of queries."""
    charges = dict(((oid, total) for oid, total in db.session.execute(
        select(CourseRegistration.organisation_id, func.sum(CourseParticipant.price))
        .join(CourseRegistration, CourseRegistration.id == CourseParticipant.registration_id)
        .where(CourseParticipant.course_id == course_id,
               CourseRegistration.organisation_id.is_not(None))
        .group_by(CourseRegistration.organisation_id))))
    payments = dict(db.session.execute(
        select(OrganisationPayment.organisation_id, func.sum(OrganisationPayment.amount))
        .where(OrganisationPayment.course_id == course_id)
        .group_by(OrganisationPayment.organisation_id)).all())
    ids = set(charges) | set(payments)
    names = {o.id: o for o in db.session.execute(
        select(Organisation).where(Organisation.id.in_(ids))).scalars()}
    organisations = sorted(
        ((names[oid], Balance(_money(charges.get(oid)), _money(payments.get(oid))))
         for oid in ids), key=lambda row: row[0].short_name)
    private = list(db.session.execute(
        select(CourseParticipant)
        .join(CourseRegistration, CourseRegistration.id == CourseParticipant.registration_id)
        .where(CourseParticipant.course_id == course_id,
               CourseRegistration.organisation_id.is_(None),
               CourseParticipant.payment_type.in_(("later", "guarantee")))
        .options(joinedload(CourseParticipant.client))).scalars())
    return {"organisations": organisations, "private": private}


def trainees(organisation_id):
    """The organisation's people who were registered on courses: person, course, dates, result,
    grade and certificate; one query."""
    get_organisation(organisation_id)
    return list(db.session.execute(
        select(CourseParticipant)
        .join(CourseRegistration, CourseRegistration.id == CourseParticipant.registration_id)
        .join(Course, Course.id == CourseParticipant.course_id)
        .where(CourseRegistration.organisation_id == organisation_id)
        .options(joinedload(CourseParticipant.client), joinedload(CourseParticipant.course))
        .order_by(Course.starts_on.desc(), CourseParticipant.id)).scalars())


def trainee_results(participants):
    """The learning results of these participants at their course's sessions, oldest first:
    ``{participant id: [LessonResult]}``; one query."""
    by_group = {}
    for participant in participants:
        if participant.course.group_id:
            by_group.setdefault(participant.course.group_id, {})[participant.client_id] = \
                participant.id
    result = {participant.id: [] for participant in participants}
    rows = timetable.client_results({p.client_id for p in participants}, list(by_group))
    for row in rows:
        participant_id = by_group.get(row.lesson.group_id, {}).get(row.client_id)
        if participant_id is not None:
            result[participant_id].append(row)
    return result
