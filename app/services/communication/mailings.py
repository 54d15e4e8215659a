"""Mailings: a segment of clients, a count preview, the send, and the call-back tasks after it.

A segment is a small dict stored as JSON on the mailing; every criterion is a SQL condition, so
counting and building the recipients never loads clients that do not match.
"""
import json
from datetime import date, datetime, time, timedelta

from flask import current_app
from flask_babel import gettext as _, lazy_gettext as _l
from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models.communication import CHANNELS, Mailing, Message, Task
from app.services.platform import Conflict, DomainError, NotFound
from app.services.communication.templates import find_templates
from app.services.communication.messaging import Outgoing, build_messages, store_messages

SEGMENT_FIELDS = {
    "category_id": int, "service_id": int, "pass_status": str, "debt": bool, "age_min": int,
    "age_max": int, "industry_id": int, "manager_id": int, "tag_id": int,
}


def clean_segment(segment):
    """Keep the known criteria with usable values; raise on a value of the wrong kind."""
    from app.models.passes import PASS_STATUSES

    cleaned = {}
    for name, value in (segment or {}).items():
        if name not in SEGMENT_FIELDS or value in (None, "", False):
            continue
        kind = SEGMENT_FIELDS[name]
        try:
            value = (str(value).lower() in ("1", "true", "yes", "on")) if kind is bool else kind(value)
        except (TypeError, ValueError):
            raise DomainError(_l("Invalid value for %(name)s.", name=name), field=name)
        if name == "pass_status" and value not in PASS_STATUSES:
            raise DomainError(_l("Invalid value for %(name)s.", name=name), field=name)
        if value is not False:
            cleaned[name] = value
    if cleaned.get("age_min") is not None and cleaned.get("age_max") is not None \
            and cleaned["age_min"] > cleaned["age_max"]:
        raise DomainError(_l("The minimum age is above the maximum age."), field="age_min")
    return cleaned


def _years_before(day, years):
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def segment_client_ids(segment, on_date=None):
    """Ids of active clients matching every criterion of the segment, by one SQL query (plus
    one for debt, which is computed by the money domain)."""
    from app.models.clients import Client, Organisation, client_tag
    from app.models.passes import LIVE_STATUSES, Pass, pass_plan_service
    from app.models.timetable import Group, GroupMember

    segment = clean_segment(segment)
    on_date = on_date or date.today()
    query = select(Client.id).where(Client.active.is_(True))
    if "category_id" in segment:
        query = query.where(Client.category_id == segment["category_id"])
    if "manager_id" in segment:
        query = query.where(Client.manager_id == segment["manager_id"])
    if "tag_id" in segment:
        query = query.where(Client.id.in_(
            select(client_tag.c.client_id).where(client_tag.c.tag_id == segment["tag_id"])))
    if "industry_id" in segment:
        query = query.where(Client.organisation_id.in_(
            select(Organisation.id).where(Organisation.industry_id == segment["industry_id"])))
    if "age_min" in segment:
        query = query.where(Client.birth_date <= _years_before(on_date, segment["age_min"]))
    if "age_max" in segment:
        query = query.where(Client.birth_date > _years_before(on_date, segment["age_max"] + 1))
    if "pass_status" in segment:
        query = query.where(Client.id.in_(
            select(Pass.client_id).where(Pass.status == segment["pass_status"])))
    if "service_id" in segment:
        by_pass = (select(Pass.client_id)
                   .join(pass_plan_service, pass_plan_service.c.pass_plan_id == Pass.plan_id)
                   .where(pass_plan_service.c.service_id == segment["service_id"],
                          Pass.status.in_(LIVE_STATUSES), Pass.end_date >= on_date))
        by_group = (select(GroupMember.client_id)
                    .join(Group, Group.id == GroupMember.group_id)
                    .where(Group.service_id == segment["service_id"],
                           (GroupMember.left_on.is_(None)) | (GroupMember.left_on >= on_date)))
        query = query.where(Client.id.in_(by_pass.union(by_group)))
    ids = list(db.session.scalars(query.order_by(Client.id)))
    if segment.get("debt"):
        from app.services.money import debtor_ids

        debtors = debtor_ids()
        ids = [cid for cid in ids if cid in debtors]
    return ids


def _load_clients(ids):
    from app.models.clients import Client

    return db.session.scalars(
        select(Client).where(Client.id.in_(ids)).options(selectinload(Client.guardians))
        .order_by(Client.id)).all()


def segment_preview(segment, channel="email", on_date=None):
    """How many clients match, and how many messages would go out or be skipped (no consent,
    no address) on the channel, before anything is sent."""
    from app.services.clients import message_recipients

    ids = segment_client_ids(segment, on_date)
    deliverable = skipped = 0
    for start in range(0, len(ids), 500):
        for client in _load_clients(ids[start:start + 500]):
            for recipient in message_recipients(client):
                address = recipient.email if channel == "email" else recipient.phone
                consent = recipient.consent_email if channel == "email" else recipient.consent_sms
                if consent and (address or "").strip():
                    deliverable += 1
                else:
                    skipped += 1
    return {"clients": len(ids), "messages": deliverable, "skipped": skipped}


def create_mailing(title, template_name, channel="email", segment=None, callback_tasks=True):
    """A draft mailing: a title, an existing template (in at least one language) for the
    channel, and a valid segment."""
    if channel not in CHANNELS:
        raise DomainError(_l("Unknown channel."), field="channel")
    if not (title or "").strip():
        raise DomainError(_l("A mailing needs a title."), field="title")
    if not find_templates(template_name, channel):
        raise DomainError(_l("No active template with this name for this channel."),
                          field="template_name")
    mailing = Mailing(title=title.strip(), template_name=template_name, channel=channel,
                      segment=json.dumps(clean_segment(segment), sort_keys=True),
                      callback_tasks=bool(callback_tasks), status="draft")
    db.session.add(mailing)
    db.session.flush()
    return mailing


def mailing_segment(mailing):
    return json.loads(mailing.segment or "{}")


def start_mailing(mailing_id):
    """Move a draft mailing to ``sending`` (once: a second click or a race is refused). Not
    committed here: the caller commits it together with the job that will send it."""
    result = db.session.execute(
        update(Mailing).where(Mailing.id == mailing_id, Mailing.status == "draft")
        .values(status="sending", started_at=datetime.now(), version=Mailing.version + 1)
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        if db.session.get(Mailing, mailing_id) is None:
            raise NotFound(_l("Not found."))
        raise Conflict(_l("This mailing has already been sent."))


def prepare_mailing_messages(mailing_id, on_date=None):
    """Create the mailing's message rows (skipped ones included) and return the ids still to
    send; running it again creates nothing twice."""
    mailing = db.session.get(Mailing, mailing_id)
    if mailing is None:
        raise NotFound(_l("Not found."))
    templates = find_templates(mailing.template_name, mailing.channel)
    ids = segment_client_ids(mailing_segment(mailing), on_date)
    queued = []
    for start in range(0, len(ids), 500):
        clients = _load_clients(ids[start:start + 500])
        outgoing = [Outgoing(client, f"mailing{mailing.id}") for client in clients]
        rows = build_messages(outgoing, mailing.channel, templates, "mailing", mailing.id, on_date)
        queued.extend(store_messages(rows))
        db.session.commit()
    db.session.execute(update(Mailing).where(Mailing.id == mailing_id)
                       .values(messages_built_at=datetime.now())
                       .execution_options(synchronize_session=False))
    db.session.commit()
    return queued


def finish_mailing_if_complete(mailing_id):
    """When every recipient's message has been built and none is queued or being sent, mark the
    mailing done (once, by a conditional UPDATE) and create its call-back tasks. Returns True
    when it finished. A mailing whose job has not built its messages yet (still in the outbox,
    or its worker died) is never finished with fewer messages than recipients."""
    pending = db.session.scalar(
        select(func.count()).select_from(Message)
        .where(Message.mailing_id == mailing_id, Message.status.in_(("queued", "sending"))))
    if pending:
        return False
    result = db.session.execute(
        update(Mailing).where(Mailing.id == mailing_id, Mailing.status == "sending",
                              Mailing.messages_built_at.is_not(None))
        .values(status="done", finished_at=datetime.now(), version=Mailing.version + 1)
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        db.session.rollback()
        return False
    mailing = db.session.get(Mailing, mailing_id)
    if mailing.callback_tasks:
        create_callback_tasks(mailing)
    db.session.commit()
    return True


def create_callback_tasks(mailing, due_at=None):
    """One open task "email sent — call back" per client reached by the mailing, for the
    client's manager, due the next day; a client already holding this mailing's task gets none."""
    from app.models.clients import Client

    due_at = due_at or datetime.combine(
        date.today() + timedelta(days=current_app.config.get("MAILING_CALLBACK_DAYS", 1)),
        time(hour=current_app.config.get("MAILING_CALLBACK_HOUR", 10)))
    already = select(Task.client_id).where(Task.mailing_id == mailing.id)
    rows = db.session.execute(
        select(Message.client_id, Client.manager_id).distinct()
        .join(Client, Client.id == Message.client_id)
        .where(Message.mailing_id == mailing.id, Message.status == "sent",
               Client.manager_id.is_not(None), Message.client_id.not_in(already))
    ).all()
    if mailing.channel == "email":
        text = _("Email sent — call back: %(title)s", title=mailing.title)
    else:
        text = _("SMS sent — call back: %(title)s", title=mailing.title)
    now = datetime.now()
    values = [{"due_at": due_at, "manager_id": manager_id, "client_id": client_id, "text": text,
               "status": "open", "mailing_id": mailing.id, "created_on": now, "changed_on": now,
               "version": 1} for client_id, manager_id in rows]
    for start in range(0, len(values), 1000):
        db.session.execute(insert(Task), values[start:start + 1000])
    return len(values)
