"""Messages: building the rows (consent, guardians, templates) and delivering them exactly once.

Delivery rule. A message is sent only by the worker that *claimed* it: a conditional
``UPDATE message SET status='sending', claim_token=? WHERE id IN (…) AND status='queued'``
committed before talking to the server (a few messages at a time); each is marked ``sent``, in
its own commit, right after the server accepted it. A retried job, a second worker or a rerun
mailing finds the row no longer ``queued`` and leaves it alone.

Recovery rule for a claim left by a dead worker. A row still ``sending`` after
``MESSAGE_CLAIM_TIMEOUT`` seconds (default 60) may be claimed again: its worker died between the
claim and the mark. A live worker never lets its claims get that old: it renews them when half
the timeout has passed, and one send is bounded by ``MAIL_TIMEOUT`` (20 s, keep it below half the
claim timeout). The rows a live job has still to claim are touched as well, every half
``MESSAGE_STALL_AFTER`` (default 60 s), so queued rows untouched for longer belong to a job that
died; with the sweep every minute, a dead worker's mailing resumes within two minutes. Of a dead worker's claimed rows at most one was in flight; if the worker died
*after* the server accepted that one, its resend is the only possible duplicate;
it carries the same ``Message-ID`` header (the idempotency key) and the SMS gateway gets the
same ``Idempotency-Key``, so receiving systems drop it. ``recover_stalled_messages`` (periodic)
finds such rows and queued rows whose job was lost, and hands them to a new job.
"""
import hashlib
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, insert, or_, select, update

from app.extensions import db
from app.models.communication import Message
from app.services.communication.attachments import attach_to_messages, message_attachments
from app.services.communication.delivery import PermanentFailure, TemporaryFailure, Transports
from app.services.communication.templates import (client_contexts, pick_template, render_text,
                                            template_placeholders)

DEFAULT_RETRY_INTERVALS = (10, 30, 120, 600)

SKIP_NO_CONSENT = "no consent"
SKIP_NO_ADDRESS = "no address"
SKIP_NO_TEMPLATE = "no template"

SKIP_REASONS = {
    SKIP_NO_CONSENT: _l("No consent to this channel"),
    SKIP_NO_ADDRESS: _l("No address for this channel"),
    SKIP_NO_TEMPLATE: _l("No template for this channel"),
}


def setting(name):
    defaults = {
        "MESSAGE_RETRY_INTERVALS": DEFAULT_RETRY_INTERVALS,
        "MESSAGE_CLAIM_TIMEOUT": 60,
        "MESSAGE_STALL_AFTER": 60,
        "MESSAGE_BATCH_SIZE": 100,
    }
    value = current_app.config.get(name)
    return defaults[name] if value is None else value


def max_attempts():
    """A message is tried once plus once per retry interval, then marked failed."""
    return len(setting("MESSAGE_RETRY_INTERVALS")) + 1


def idempotency_key(prefix, client_id, channel, address):
    """A stable key for one message, also usable as the left part of a Message-ID."""
    digest = hashlib.sha1(f"{channel}|{(address or '').strip().lower()}".encode()).hexdigest()[:12]
    return f"{prefix}.c{client_id}.{channel}.{digest}"


@dataclass
class Outgoing:
    """What to send to one client: the key prefix (one per occasion) and extra placeholders."""

    client: object
    key_prefix: str
    context: dict = field(default_factory=dict)


def build_messages(outgoing, channel, templates, kind, mailing_id=None, on_date=None):
    """Message rows (dicts) for clients: one per recipient (the guardians of a minor), rendered
    from the template in the client's language; a recipient without consent to the channel or
    without an address gets a ``skipped`` row, so it is counted and never retried."""
    from app.services.clients import message_language, message_recipients

    now = datetime.now()
    by_template = defaultdict(list)
    for item in outgoing:
        by_template[pick_template(templates, message_language(item.client))].append(item)
    rows = []
    for template, items in by_template.items():
        needed = []
        if template is not None:
            needed = template_placeholders(template.body) + template_placeholders(template.subject)
        contexts = client_contexts([i.client for i in items], on_date, needed,
                                   template.language if template else None)
        for item in items:
            client = item.client
            for recipient in message_recipients(client):
                address = recipient.email if channel == "email" else recipient.phone
                consent = recipient.consent_email if channel == "email" else recipient.consent_sms
                context = dict(contexts[client.id], recipient_name=recipient.name, **item.context)
                row = {
                    "mailing_id": mailing_id, "client_id": client.id, "kind": kind,
                    "channel": channel, "recipient_name": recipient.name,
                    "recipient": (address or "").strip() or None, "status": "queued",
                    "attempts": 0, "created_on": now,
                    "idempotency_key": idempotency_key(item.key_prefix, client.id, channel, address),
                    "subject": None, "body": None, "error": None,
                }
                if template is None:
                    row.update(status="skipped", error=SKIP_NO_TEMPLATE)
                elif not consent:
                    row.update(status="skipped", error=SKIP_NO_CONSENT)
                elif not row["recipient"]:
                    row.update(status="skipped", error=SKIP_NO_ADDRESS)
                else:
                    row["subject"] = render_text(template.subject, context)[:200] or None
                    row["body"] = render_text(template.body, context)
                rows.append(row)
    return rows


def queue_client_messages(clients, template_name, channel, kind, key_prefix, contexts=None,
                          attachments=()):
    """Messages from the template ``template_name`` to ``clients`` (consent, guardians and
    languages as for a mailing), once per ``key_prefix`` and recipient: ``{client id: [ids of
    the messages still to send]}``; a rerun queues nothing twice. ``contexts`` adds placeholder
    values per client id; ``attachments`` (from ``store_attachment``) go with the e-mails."""
    from app.services.communication.templates import find_templates

    contexts = contexts or {}
    outgoing = [Outgoing(client, key_prefix, dict(contexts.get(client.id, {})))
                for client in clients]
    rows = build_messages(outgoing, channel, find_templates(template_name, channel), kind)
    queued = set(store_messages(rows))
    attach_to_messages(queued, attachments)
    result = {client.id: [] for client in clients}
    keys = {row["idempotency_key"]: row["client_id"] for row in rows}
    for message_id, key in db.session.execute(
            select(Message.id, Message.idempotency_key)
            .where(Message.idempotency_key.in_(list(keys) or [""]))):
        if message_id in queued:
            result[keys[key]].append(message_id)
    return result


def store_messages(rows):
    """Insert the rows whose idempotency key is new (a rerun inserts nothing twice); returns
    the ids of all the rows' messages still ``queued``."""
    keys = [row["idempotency_key"] for row in rows]
    existing = set()
    for start in range(0, len(keys), 500):
        existing.update(db.session.scalars(
            select(Message.idempotency_key).where(Message.idempotency_key.in_(keys[start:start + 500]))))
    fresh, seen = [], set(existing)
    for row in rows:
        if row["idempotency_key"] not in seen:
            seen.add(row["idempotency_key"])
            fresh.append(row)
    for start in range(0, len(fresh), 1000):
        db.session.execute(insert(Message), fresh[start:start + 1000])
    ids = []
    for start in range(0, len(keys), 500):
        ids.extend(db.session.scalars(
            select(Message.id).where(Message.idempotency_key.in_(keys[start:start + 500]),
                                     Message.status == "queued")))
    return sorted(ids)


def queue_direct_message(channel, recipient, subject, body, key, client_id=None,
                         kind="direct", recipient_name=None):
    """One transactional message (a one-time code, a booking notice) to one address, sent
    whatever the marketing consents, once per ``key`` (a rerun queues nothing twice). Returns
    the ids still to deliver (for ``enqueue_delivery``); the caller commits."""
    row = {"mailing_id": None, "client_id": client_id, "kind": kind, "channel": channel,
           "recipient_name": recipient_name, "recipient": (recipient or "").strip() or None,
           "status": "queued", "attempts": 0, "created_on": datetime.now(),
           "idempotency_key": key[:120], "subject": (subject or "")[:200] or None, "body": body,
           "error": None}
    if row["recipient"] is None:
        row.update(status="skipped", error=SKIP_NO_ADDRESS)
    return store_messages([row])


def claim_messages(message_ids, token, now=None):
    """Take messages for sending: only ``queued`` ones, or ``sending`` ones whose claim is older
    than the claim timeout (their worker died). Committed at once; returns the ids we got, in
    the given order."""
    ids = list(message_ids)
    if not ids:
        return []
    now = now or datetime.now()
    stale = now - timedelta(seconds=setting("MESSAGE_CLAIM_TIMEOUT"))
    db.session.execute(
        update(Message)
        .where(Message.id.in_(ids),
               or_(Message.status == "queued",
                   and_(Message.status == "sending", Message.claimed_at < stale)))
        .values(status="sending", claim_token=token, claimed_at=now,
                attempts=Message.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    got = set(db.session.scalars(select(Message.id).where(
        Message.id.in_(ids), Message.claim_token == token, Message.status == "sending")))
    return [message_id for message_id in ids if message_id in got]


def claim_message(message_id, token, now=None):
    """``claim_messages`` for one message: True if we got it."""
    return bool(claim_messages([message_id], token, now))


def _renew_claims(message_ids, token):
    db.session.execute(
        update(Message)
        .where(Message.id.in_(message_ids), Message.claim_token == token,
               Message.status == "sending")
        .values(claimed_at=datetime.now())
        .execution_options(synchronize_session=False))
    db.session.commit()
    return list(db.session.scalars(select(Message.id).where(
        Message.id.in_(message_ids), Message.claim_token == token, Message.status == "sending")))


def _touch_waiting(message_ids):
    """Mark the queued rows a live job has still to claim as looked after (``claimed_at``), so
    the stall sweep leaves them to it."""
    if message_ids:
        db.session.execute(
            update(Message)
            .where(Message.id.in_(message_ids), Message.status == "queued",
                   Message.retry_after.is_(None))
            .values(claimed_at=datetime.now())
            .execution_options(synchronize_session=False))
        db.session.commit()


def _release_unsent(message_ids, token):
    """Give back claimed messages that were never tried (the server went away first)."""
    if message_ids:
        db.session.execute(
            update(Message)
            .where(Message.id.in_(message_ids), Message.claim_token == token,
                   Message.status == "sending")
            .values(status="queued", claim_token=None, attempts=Message.attempts - 1)
            .execution_options(synchronize_session=False))
        db.session.commit()


def _finish(message_id, token, **values):
    db.session.execute(
        update(Message)
        .where(Message.id == message_id, Message.claim_token == token, Message.status == "sending")
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


@dataclass
class DeliveryReport:
    sent: int = 0
    failed: int = 0
    retry: int = 0
    untouched: int = 0  # already sent, skipped or taken by another worker

    def as_dict(self):
        return {"sent": self.sent, "failed": self.failed, "retry": self.retry,
                "untouched": self.untouched}


def deliver_messages(message_ids, progress=None, claim_chunk=20):
    """Send the given messages, each at most once (see the module's delivery rule), claiming
    them ``claim_chunk`` at a time. A temporary failure puts the message back to ``queued`` for
    the job's retry, or marks it ``failed`` once its attempts are used up; a permanent failure
    marks it ``failed``; an unreachable server stops the batch, leaving the rest queued."""
    token = uuid.uuid4().hex
    report = DeliveryReport()
    transports = Transports()
    intervals = list(setting("MESSAGE_RETRY_INTERVALS")) or [0]
    limit = max_attempts()
    ids = list(message_ids)
    done = 0
    touched_at = None
    try:
        for start in range(0, len(ids), claim_chunk):
            if touched_at is None or time.monotonic() - touched_at > \
                    setting("MESSAGE_STALL_AFTER") / 2:
                _touch_waiting(ids[start + claim_chunk:])
                touched_at = time.monotonic()
            chunk = ids[start:start + claim_chunk]
            claimed = claim_messages(chunk, token)
            claimed_at = time.monotonic()
            report.untouched += len(chunk) - len(claimed)
            rows = {row.id: row for row in db.session.execute(
                select(Message.id, Message.channel, Message.recipient, Message.recipient_name,
                       Message.subject, Message.body, Message.idempotency_key, Message.attempts)
                .where(Message.id.in_(claimed)))}
            files = message_attachments(claimed)
            for position, message_id in enumerate(claimed):
                if time.monotonic() - claimed_at > setting("MESSAGE_CLAIM_TIMEOUT") / 2:
                    # a slow server: renew the claims before anyone may take them as stale
                    mine = set(_renew_claims(claimed[position:], token))
                    claimed_at = time.monotonic()
                    if message_id not in mine:
                        report.untouched += 1
                        continue
                message = rows[message_id]
                extra = {}
                if message_id in files:
                    extra["attachments"] = files[message_id]
                try:
                    if extra and extra["attachments"] is None:
                        raise PermanentFailure("An attached file is missing.")
                    transports.get(message.channel).send(
                        message.recipient, message.subject, message.body,
                        message.idempotency_key, to_name=message.recipient_name, **extra)
                except TemporaryFailure as exc:
                    if message.attempts >= limit:
                        _finish(message_id, token, status="failed", error=str(exc)[:1000],
                                claim_token=None)
                        report.failed += 1
                    else:
                        wait = intervals[min(message.attempts - 1, len(intervals) - 1)]
                        _finish(message_id, token, status="queued", error=str(exc)[:1000],
                                claim_token=None,
                                retry_after=datetime.now() + timedelta(seconds=wait))
                        report.retry += 1
                    if exc.connection:
                        _release_unsent(claimed[position + 1:], token)
                        report.retry += len(ids) - start - position - 1
                        return report
                except PermanentFailure as exc:
                    _finish(message_id, token, status="failed", error=str(exc)[:1000],
                            claim_token=None)
                    report.failed += 1
                else:
                    _finish(message_id, token, status="sent", sent_at=datetime.now(),
                            error=None, claim_token=None)
                    report.sent += 1
            done += len(chunk)
            if progress is not None:
                progress(done, len(ids))
    finally:
        transports.close()
    return report


def stalled_message_ids(now=None):
    """Messages whose job was lost: ``sending`` past the claim timeout (the worker died), or
    ``queued`` and untouched for ``MESSAGE_STALL_AFTER`` seconds (the job vanished)."""
    now = now or datetime.now()
    stale_claim = now - timedelta(seconds=setting("MESSAGE_CLAIM_TIMEOUT"))
    stalled = now - timedelta(seconds=setting("MESSAGE_STALL_AFTER"))
    return list(db.session.scalars(
        select(Message.id).where(or_(
            and_(Message.status == "sending", Message.claimed_at < stale_claim),
            and_(Message.status == "queued",
                 func.coalesce(Message.retry_after, Message.claimed_at, Message.created_on) < stalled),
        )).order_by(Message.id)
    ))


def batches(ids, size=None):
    size = size or setting("MESSAGE_BATCH_SIZE")
    return [ids[start:start + size] for start in range(0, len(ids), size)]


def message_counts(mailing_id):
    """``{status: count}`` of a mailing's messages, by one GROUP BY."""
    rows = db.session.execute(
        select(Message.status, func.count()).where(Message.mailing_id == mailing_id)
        .group_by(Message.status)).all()
    return {status: count for status, count in rows}


def client_messages(client_id, limit=50):
    """A client's latest messages, newest first (for the client card)."""
    return db.session.scalars(
        select(Message).where(Message.client_id == client_id)
        .order_by(Message.created_on.desc(), Message.id.desc()).limit(limit)).all()
