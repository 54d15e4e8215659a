"""Registrations: an organisation registers its people (one registration per organisation and
course, growing as people are added), a private person registers alone.

Rules:
- each participant is a client; an organisation's participants must be linked to it;
- a person is on a course once;
- the course's maximum is never exceeded, even when several desks register at once (the course
  row is locked while counting);
- the price of a participant is the course's price per participant, or its price per
  organisation for people sent by an organisation when that price is set; a free participant
  costs nothing. Every other payment type (paid, guarantee letter, pay later) is a charge to
  the registration's payer.
- an organisation's registration tells the ``registered`` listeners (its invoice).
"""
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager, joinedload

from app.extensions import db
from app.models.clients import Client, Organisation
from app.models.courses import (PAYMENT_FREE, PAYMENT_TYPES, Course, CourseParticipant,
                                CourseRegistration)
from app.services.courses import hooks
from app.services.courses.locking import lock_course
from app.services.platform import Conflict, DomainError, NotFound


def participant_price(course, organisation_id, payment_type):
    """What one participant is charged (see the module's rules)."""
    if payment_type == PAYMENT_FREE:
        return 0
    if organisation_id and course.price_per_organisation is not None:
        return course.price_per_organisation
    return course.price_per_participant or 0


def _check_people(people, organisation_id):
    if not people:
        raise DomainError(_l("Name at least one participant."), field="participants")
    client_ids = []
    for person in people:
        try:
            client_id = int(person["client_id"])
        except (KeyError, TypeError, ValueError):
            raise DomainError(_l("Each participant needs a client."), field="participants") from None
        if (person.get("payment_type") or "later") not in PAYMENT_TYPES:
            raise DomainError(_l("Unknown payment type: %(type)s.",
                                 type=person.get("payment_type")), field="payment_type")
        client_ids.append(client_id)
    if len(set(client_ids)) != len(client_ids):
        raise DomainError(_l("A person is named twice."), field="participants")
    clients = {c.id: c for c in db.session.execute(
        select(Client).where(Client.id.in_(client_ids))).scalars()}
    for client_id in client_ids:
        client = clients.get(client_id)
        if client is None:
            raise NotFound(_l("No such client."), field="participants")
        if organisation_id and client.organisation_id != organisation_id:
            raise DomainError(_l("%(client)s does not belong to this organisation.",
                                 client=client.full_name), field="participants")
    return clients


def register(course_id, people, organisation_id=None, notes=None):
    """Register ``people`` (``[{"client_id", "payment_type"}]``) on a course, for an
    organisation (added to its registration on this course) or as private persons (one
    registration each). Returns the registration(s) touched and the participants added."""
    course = lock_course(course_id)
    if course.cancelled:
        raise DomainError(_l("This course is cancelled."))
    if organisation_id is not None and db.session.get(Organisation, organisation_id) is None:
        raise NotFound(_l("No such organisation."), field="organisation")
    clients = _check_people(people, organisation_id)
    already = set(db.session.execute(
        select(CourseParticipant.client_id).where(
            CourseParticipant.course_id == course.id,
            CourseParticipant.client_id.in_(list(clients)))).scalars())
    if already:
        names = ", ".join(sorted(clients[cid].full_name for cid in already))
        raise Conflict(_l("Already registered on this course: %(names)s.", names=names),
                       field="participants")
    count = db.session.scalar(select(func.count(CourseParticipant.id))
                              .where(CourseParticipant.course_id == course.id)) or 0
    if course.max_participants is not None and count + len(people) > course.max_participants:
        raise Conflict(_l("The course is full: %(free)s of %(max)s places left.",
                          free=max(course.max_participants - count, 0),
                          max=course.max_participants), field="participants")
    added = []
    registrations = []
    if organisation_id is not None:
        registration = db.session.execute(
            select(CourseRegistration).where(CourseRegistration.course_id == course.id,
                                             CourseRegistration.organisation_id == organisation_id)
        ).scalar_one_or_none()
        if registration is None:
            registration = CourseRegistration(course_id=course.id, organisation_id=organisation_id,
                                              registered_on=date.today(), notes=notes)
            db.session.add(registration)
            db.session.flush()
        registrations.append(registration)
    for person in people:
        if organisation_id is None:
            registration = CourseRegistration(course_id=course.id, registered_on=date.today(),
                                              notes=notes)
            db.session.add(registration)
            db.session.flush()
            registrations.append(registration)
        payment_type = person.get("payment_type") or "later"
        participant = CourseParticipant(
            registration_id=registration.id, course_id=course.id,
            client_id=int(person["client_id"]), payment_type=payment_type,
            price=participant_price(course, organisation_id, payment_type))
        db.session.add(participant)
        added.append(participant)
    db.session.flush()
    if organisation_id is not None:
        hooks.fire(hooks.REGISTERED, registrations[0], added)
    return registrations, added


def set_payment_type(participant_id, payment_type):
    """Change how a participant is paid; the price follows (free costs nothing)."""
    participant = db.session.get(CourseParticipant, participant_id)
    if participant is None:
        raise NotFound(_l("No such participant."))
    if payment_type not in PAYMENT_TYPES:
        raise DomainError(_l("Unknown payment type: %(type)s.", type=payment_type),
                          field="payment_type")
    registration = participant.registration
    participant.payment_type = payment_type
    participant.price = participant_price(registration.course, registration.organisation_id,
                                          payment_type)
    db.session.flush()
    return participant


def course_participants(course_id):
    """The course's participants with their client and registration's organisation loaded,
    by organisation then name; a constant number of queries."""
    rows = db.session.execute(
        select(CourseParticipant)
        .where(CourseParticipant.course_id == course_id)
        .options(joinedload(CourseParticipant.client),
                 joinedload(CourseParticipant.registration)
                 .joinedload(CourseRegistration.organisation))
    ).scalars().unique().all()
    return sorted(rows, key=lambda p: (
        p.registration.organisation.short_name if p.registration.organisation else "",
        p.client.last_name, p.client.first_name, p.id))


def client_courses(client_id):
    """The courses a person was registered on, latest first, with the course and the paying
    organisation loaded; one query."""
    return list(db.session.execute(
        select(CourseParticipant)
        .join(Course, Course.id == CourseParticipant.course_id)
        .where(CourseParticipant.client_id == client_id)
        .options(contains_eager(CourseParticipant.course),
                 joinedload(CourseParticipant.registration)
                 .joinedload(CourseRegistration.organisation))
        .order_by(Course.starts_on.desc(), CourseParticipant.id)).scalars())
