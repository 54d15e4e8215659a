"""An organisation's call history: date and time, who called, the contact person spoken to,
the result, a note and the date of the next call.

Rules:
- the contact person and the person invited belong to the organisation;
- a next call date is not before the call; it becomes an open task for the caller that day
  (the communication domain's tasks, "call back");
- "accepted the invitation" needs a course and the person invited, and registers that person
  on the course automatically — once, within the course's maximum (a full course refuses the
  call, so it can be recorded with another result) — through ``invitations.accept``.
"""
from datetime import datetime

from flask_babel import gettext as _, lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models.clients import Client, ContactPerson
from app.models.courses import CALL_ACCEPTED, CALL_RESULTS, Course, OrganisationCall
from app.services import communication
from app.services.courses.invitations import accept
from app.services.courses.organisations import get_organisation
from app.services.platform import DomainError, NotFound


def record_call(organisation_id, result, manager_id=None, called_at=None, contact_id=None,
                note=None, next_call_on=None, course_id=None, client_id=None):
    """Record a call (see the module's rules); returns it."""
    organisation = get_organisation(organisation_id)
    called_at = called_at or datetime.now()
    if result not in CALL_RESULTS:
        raise DomainError(_l("Choose the call's result."), field="result")
    if contact_id is not None:
        contact = db.session.get(ContactPerson, contact_id)
        if contact is None or contact.organisation_id != organisation.id:
            raise DomainError(_l("This contact person is not the organisation's."),
                              field="contact")
    if client_id is not None:
        client = db.session.get(Client, client_id)
        if client is None or client.organisation_id != organisation.id:
            raise DomainError(_l("This person is not the organisation's."), field="client")
    if course_id is not None and db.session.get(Course, course_id) is None:
        raise NotFound(_l("No such course."), field="course")
    if next_call_on is not None and next_call_on < called_at.date():
        raise DomainError(_l("The next call cannot be before this one."), field="next_call_on")
    if note is not None and "\x00" in note:
        raise DomainError(_l("Please enter text."), field="note")
    if note is not None and len(note) > 2000:
        raise DomainError(_l("At most %(count)s characters.", count=2000), field="note")
    call = OrganisationCall(organisation_id=organisation.id, called_at=called_at,
                            manager_id=manager_id, contact_id=contact_id, result=result,
                            note=(note or "").strip() or None, next_call_on=next_call_on,
                            course_id=course_id, client_id=client_id)
    if result == CALL_ACCEPTED:
        if course_id is None:
            raise DomainError(_l("Which course was the invitation accepted for?"),
                              field="course")
        if client_id is None:
            raise DomainError(_l("Who accepted the invitation?"), field="client")
        call.participant_id = accept(course_id, client_id).id
    if next_call_on is not None:
        call.task_id = communication.create_task(
            _("Call %(organisation)s back", organisation=organisation.short_name),
            next_call_on, manager_id=manager_id, client_id=client_id).id
    db.session.add(call)
    db.session.flush()
    return call


def organisation_calls(organisation_id, limit=200):
    """The organisation's calls, latest first, with caller, contact, course and person loaded;
    one query."""
    return list(db.session.execute(
        select(OrganisationCall).where(OrganisationCall.organisation_id == organisation_id)
        .options(joinedload(OrganisationCall.manager), joinedload(OrganisationCall.contact),
                 joinedload(OrganisationCall.course), joinedload(OrganisationCall.client))
        .order_by(OrganisationCall.called_at.desc(), OrganisationCall.id.desc())
        .limit(limit)).scalars())
