"""Course invitations: invite an organisation's people or a chosen list of clients to a course
through the communication domain (a templated e-mail or SMS, consent respected), and register
whoever accepts — by a "yes" reply or a call result — automatically and exactly once.

Rules:
- a person is invited to a course once (a second invitation is not sent again);
- a cancelled or past course invites nobody;
- accepting registers the person on the course (under their organisation when they have one,
  "pay later"), respecting its maximum; accepting again, or accepting someone already
  registered, registers nobody twice and returns the existing participant;
- a declined invitation can still be accepted later (people change their minds);
- on request, each person invited now gets a call-back task N days later (1 to 90; at the
  mailing call-back hour) for their manager, or for whoever sent the invitations when they
  have none; closing that task with a "yes" result registers the person exactly as a "yes"
  reply does, with a refusal result declines the invitation;
- an e-mail invitation carries the course's programme file as an attachment when the course
  has one (the file as it was when the invitation was sent); an SMS carries none.
"""
from datetime import date, datetime, time, timedelta

from flask import current_app
from flask_babel import format_date, gettext as _, lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models.clients import Client
from app.models.courses import (INVITATION_ACCEPTED, INVITATION_DECLINED, CourseInvitation,
                                CourseParticipant)
from app.services import communication
from app.services.courses.catalogue import get_course, programme_path
from app.services.courses.locking import lock_course
from app.services.courses.registrations import register
from app.services.platform import DomainError, NotFound

INVITATION_TEMPLATE = "course_invitation"


def _dates(course):
    if course.ends_on == course.starts_on:
        return format_date(course.starts_on)
    return f"{format_date(course.starts_on)} – {format_date(course.ends_on)}"


def invite(course_id, client_ids=None, organisation_id=None, channel="email",
           template_name=INVITATION_TEMPLATE, enqueue_delivery=None, segment=None,
           past_course_id=None, callback_days=None, sender_id=None):
    """Invite people to a course: the clients named, every active person of the organisation,
    or a segment — the communication domain's mailing criteria (industry, category, service,
    age …) and/or the people who took ``past_course_id``. Returns the invitations made now;
    their messages are handed to ``enqueue_delivery`` (the caller's job function) after they
    are stored. ``callback_days`` asks for a call-back task per person invited, for their
    manager or else ``sender_id`` (the user sending)."""
    callback_days = _callback_days(callback_days)
    course = get_course(course_id)
    if course.cancelled or course.ends_on < date.today():
        raise DomainError(_l("Only a coming or running course can be invited to."),
                          field="course")
    query = select(Client).where(Client.active.is_(True))
    if organisation_id is not None:
        query = query.where(Client.organisation_id == organisation_id)
    elif client_ids:
        query = query.where(Client.id.in_([int(cid) for cid in client_ids]))
    elif segment or past_course_id:
        criteria = communication.clean_segment(segment)
        if criteria:
            query = query.where(Client.id.in_(communication.segment_client_ids(criteria)))
        if past_course_id:
            query = query.where(Client.id.in_(select(CourseParticipant.client_id).where(
                CourseParticipant.course_id == past_course_id)))
    else:
        raise DomainError(_l("Choose an organisation or people to invite."), field="client_ids")
    clients = list(db.session.execute(query.order_by(Client.id)).scalars())
    if not clients:
        raise DomainError(_l("Nobody to invite."), field="client_ids")
    if channel not in ("email", "sms"):
        raise DomainError(_l("Unknown channel."), field="channel")
    already = set(db.session.execute(
        select(CourseInvitation.client_id).where(
            CourseInvitation.course_id == course.id,
            CourseInvitation.client_id.in_([c.id for c in clients]))).scalars())
    registered = set(db.session.execute(
        select(CourseParticipant.client_id).where(
            CourseParticipant.course_id == course.id,
            CourseParticipant.client_id.in_([c.id for c in clients]))).scalars())
    fresh = [c for c in clients if c.id not in already and c.id not in registered]
    context = {"course_title": course.title, "course_dates": _dates(course)}
    messages = communication.queue_client_messages(
        fresh, template_name, channel, "course_invitation", f"course{course.id}",
        {c.id: context for c in fresh},
        attachments=_programme_attachment(course) if channel == "email" and fresh else ())
    made = []
    for client in fresh:
        ids = messages.get(client.id) or []
        invitation = CourseInvitation(course_id=course.id, client_id=client.id,
                                      organisation_id=client.organisation_id,
                                      message_id=ids[0] if ids else None)
        db.session.add(invitation)
        made.append(invitation)
    if callback_days:
        _callback_tasks(course, made, {c.id: c for c in fresh}, callback_days, sender_id)
    db.session.flush()
    queued = [mid for ids in messages.values() for mid in ids]
    if queued and enqueue_delivery is not None:
        enqueue_delivery(queued)
    return made


MAX_CALLBACK_DAYS = 90


def _callback_days(value):
    if value in (None, "", 0, "0"):
        return None
    try:
        days = int(value)
    except (TypeError, ValueError):
        days = None
    if isinstance(value, bool) or days is None or not 1 <= days <= MAX_CALLBACK_DAYS:
        raise DomainError(_l("The call-back is from 1 to %(count)s days later.",
                             count=MAX_CALLBACK_DAYS), field="callback_days")
    return days


def _callback_tasks(course, made, clients, days, sender_id):
    """One open call-back task per invitation made now, linked to it (see the rules)."""
    due_at = datetime.combine(date.today() + timedelta(days=days),
                              time(hour=current_app.config.get("MAILING_CALLBACK_HOUR", 10)))
    text = _("Course invitation sent — call back: %(title)s", title=course.title)
    for invitation in made:
        client = clients[invitation.client_id]
        task = communication.create_task(text, due_at,
                                         manager_id=client.manager_id or sender_id,
                                         client_id=client.id)
        invitation.task_id = task.id


def answer_from_task(task):
    """A closed call-back task of an invitation: a "yes" result registers the person (once,
    as ``accept``), a refusal declines the invitation; other results change nothing."""
    kind = communication.task_result_kind(task)
    if task.id is None or kind is None:
        return
    invitation = db.session.execute(
        select(CourseInvitation).where(CourseInvitation.task_id == task.id)
    ).scalar_one_or_none()
    if invitation is None:
        return
    if kind == "yes":
        accept(invitation.course_id, invitation.client_id)
    elif kind == "refusal":
        answer(invitation.id, yes=False)


communication.listen_task_closed(answer_from_task)


def _programme_attachment(course):
    """The course's programme as a message attachment (none when it has no programme file)."""
    if not course.programme_stored_name:
        return ()
    try:
        with open(programme_path(course), "rb") as handle:
            data = handle.read()
    except OSError:
        return ()
    return (communication.store_attachment(course.programme_filename or "programme", data,
                                           course.programme_content_type),)


def accept(course_id, client_id):
    """Register a person who accepted an invitation (see the module's rules); returns the
    participant. The course row is locked, so two answers at once register once."""
    lock_course(course_id)
    client = db.session.get(Client, client_id)
    if client is None:
        raise NotFound(_l("No such client."), field="client")
    participant = db.session.execute(
        select(CourseParticipant).where(CourseParticipant.course_id == course_id,
                                        CourseParticipant.client_id == client_id)
    ).scalar_one_or_none()
    if participant is None:
        _, (participant,) = register(course_id, [{"client_id": client_id,
                                                  "payment_type": "later"}],
                                     organisation_id=client.organisation_id)
    invitation = _invitation(course_id, client_id)
    if invitation is not None:
        invitation.status = INVITATION_ACCEPTED
        invitation.answered_at = invitation.answered_at or datetime.now()
        invitation.participant_id = participant.id
    db.session.flush()
    return participant


def _invitation(course_id, client_id):
    return db.session.execute(
        select(CourseInvitation).where(CourseInvitation.course_id == course_id,
                                       CourseInvitation.client_id == client_id)
    ).scalar_one_or_none()


def answer(invitation_id, yes):
    """A reply to an invitation: "yes" registers the person (once), "no" records a refusal
    (a person already registered stays registered)."""
    invitation = db.session.get(CourseInvitation, invitation_id)
    if invitation is None:
        raise NotFound(_l("No such invitation."), field="invitation")
    if yes:
        accept(invitation.course_id, invitation.client_id)
    elif invitation.status != INVITATION_ACCEPTED:
        invitation.status = INVITATION_DECLINED
        invitation.answered_at = datetime.now()
    db.session.flush()
    return invitation


def course_invitations(course_id):
    """A course's invitations with the person and organisation loaded; one query."""
    return list(db.session.execute(
        select(CourseInvitation).where(CourseInvitation.course_id == course_id)
        .options(joinedload(CourseInvitation.client),
                 joinedload(CourseInvitation.organisation))
        .order_by(CourseInvitation.id)).scalars())
