"""Templates, message building (consent, guardians) and exactly-once delivery over real SMTP."""
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select, update

from app.models.communication import Mailing, Message, MessageTemplate, Task
from app.services.communication import mailings
from app.services.communication import messaging
from app.services.communication.delivery import message_id_header
from app.services.platform.errors import DomainError
from app.services.communication.templates import (TemplateError, preview_template, render_text,
                                            save_template, template_placeholders)
from tests.communication_fixtures import smtp_server  # noqa: F401
from tests.factories.clients import make_client
from tests.factories.communication import make_template


def test_unknown_placeholder_is_refused_with_a_message(db):
    template = MessageTemplate(name="x", channel="email", language="en", subject="Hi",
                               body="Hello {client_name}, {password}")
    with pytest.raises(TemplateError) as err:
        save_template(template)
    assert "{password}" in str(err.value.message)
    for body in ("{client_name.__class__}", "{client_name[0]}", "{client_name!r}",
                 "{sessions_left:>10}", "broken { brace"):
        with pytest.raises(TemplateError):
            template_placeholders(body)
    assert template_placeholders("{{literal}} {first_name}") == ["first_name"]


def test_email_template_needs_subject_and_unique_language(db):
    with pytest.raises(TemplateError):
        save_template(MessageTemplate(name="x", channel="email", language="en", body="Hi"))
    save_template(MessageTemplate(name="x", channel="sms", language="en", body="Hi {first_name}"))
    db.session.commit()
    with pytest.raises(TemplateError):
        save_template(MessageTemplate(name="x", channel="sms", language="en", body="Again"))
    with pytest.raises(TemplateError):
        save_template(MessageTemplate(name="x", channel="sms", language="xx", body="Again"))


def test_render_fills_known_values_and_leaves_missing_empty():
    assert render_text("{first_name}: {sessions_left} left{due_amount}", {
        "first_name": "Anna", "sessions_left": 2}) == "Anna: 2 left"


def test_preview_with_a_real_client_shows_guardian_for_minor(db):
    template = make_template(body="Dear {recipient_name}, {first_name} is enrolled.")
    child = make_client(first_name="Léa", birth_date=date.today() - timedelta(days=365 * 10),
                        consent_email=True)
    preview = preview_template(template.id, child.id)
    assert preview["subject"] == "Hello Léa"
    assert preview["body"] == "Dear Parent of Léa, Léa is enrolled."
    assert preview["recipients"][0]["address"].startswith("parent")


def _send_all(app):
    ids = list(messaging.stalled_message_ids(now=datetime.now() + timedelta(days=1)))
    return messaging.deliver_messages(ids)


def test_mailing_respects_consent_and_sends_to_guardians(app, db, smtp_server):
    make_template()
    make_client(first_name="Ann", email="ann@example.org", consent_email=True)
    make_client(first_name="Bob", email="bob@example.org", consent_email=False)
    make_client(first_name="Cid", email=None, consent_email=True)
    make_client(first_name="Kid", birth_date=date.today() - timedelta(days=365 * 8),
                consent_email=True, email="kid@example.org")
    mailing = mailings.create_mailing("Spring news", "news", "email", {})
    db.session.commit()
    assert mailings.segment_preview({}, "email") == {"clients": 4, "messages": 2, "skipped": 2}
    mailings.start_mailing(mailing.id)
    ids = mailings.prepare_mailing_messages(mailing.id)
    assert len(ids) == 2
    report = messaging.deliver_messages(ids)
    assert report.sent == 2
    assert sorted(smtp_server.addresses()) == sorted(["ann@example.org", _parent_of("Kid")])
    counts = messaging.message_counts(mailing.id)
    assert counts == {"sent": 2, "skipped": 2}
    errors = set(db.session.scalars(select(Message.error).where(Message.status == "skipped")))
    assert errors == {messaging.SKIP_NO_CONSENT, messaging.SKIP_NO_ADDRESS}
    # a rerun of the preparation creates nothing new and a second delivery sends nothing
    assert mailings.prepare_mailing_messages(mailing.id) == []
    assert messaging.deliver_messages(ids).untouched == 2
    assert len(smtp_server.deliveries) == 2
    delivered = {d["to"]: d for d in smtp_server.deliveries}
    key = db.session.scalar(select(Message.idempotency_key).where(
        Message.recipient == "ann@example.org"))
    assert delivered["ann@example.org"]["message_id"] == message_id_header(key)
    assert delivered["ann@example.org"]["subject"] == "Hello Ann"


def _parent_of(first_name):
    from app.models.clients import Guardian

    from app.extensions import db

    return db.session.scalar(select(Guardian.email).where(Guardian.full_name == f"Parent of {first_name}"))


def test_refused_messages_go_back_to_queue_then_fail_after_attempts(app, db, smtp_server):
    make_template()
    for n in range(3):
        make_client(email=f"c{n}@example.org", consent_email=True)
    mailing = mailings.create_mailing("News", "news", "email", {})
    db.session.commit()
    mailings.start_mailing(mailing.id)
    ids = mailings.prepare_mailing_messages(mailing.id)
    smtp_server.refuse_first = 2
    first = messaging.deliver_messages(ids)
    assert (first.sent, first.retry) == (1, 2)
    statuses = dict(db.session.execute(select(Message.id, Message.status)).all())
    assert sorted(statuses.values()) == ["queued", "queued", "sent"]
    assert not mailings.finish_mailing_if_complete(mailing.id)
    second = messaging.deliver_messages(ids)
    assert (second.sent, second.untouched) == (2, 1)
    assert sorted(smtp_server.addresses()) == [f"c{n}@example.org" for n in range(3)]
    # every message once, attempts counted
    assert sorted(db.session.scalars(select(Message.attempts))) == [1, 2, 2]

    smtp_server.reset()
    smtp_server.refuse_first = 100
    client = make_client(email="late@example.org", consent_email=True)
    rows = messaging.build_messages([messaging.Outgoing(client, "test")], "email",
                                    {"en": db.session.scalar(select(MessageTemplate))}, "test")
    (message_id,) = messaging.store_messages(rows)
    db.session.commit()
    for _ in range(messaging.max_attempts()):
        messaging.deliver_messages([message_id])
    message = db.session.get(Message, message_id)
    db.session.refresh(message)
    assert message.status == "failed" and "451" in message.error
    assert smtp_server.deliveries == []


def test_unreachable_server_leaves_the_batch_queued(app, db):
    from tests.conftest import free_port

    make_template()
    for n in range(3):
        make_client(email=f"c{n}@example.org", consent_email=True)
    mailing = mailings.create_mailing("News", "news", "email", {})
    db.session.commit()
    mailings.start_mailing(mailing.id)
    ids = mailings.prepare_mailing_messages(mailing.id)
    saved = app.config["MAIL_PORT"]
    app.config["MAIL_PORT"] = free_port()  # nothing listens there
    try:
        report = messaging.deliver_messages(ids)
    finally:
        app.config["MAIL_PORT"] = saved
    assert (report.sent, report.retry) == (0, 3)
    assert set(db.session.scalars(select(Message.status))) == {"queued"}


def test_stale_claim_is_recovered_with_the_same_message_id(app, db, smtp_server):
    make_template()
    make_client(email="a@example.org", consent_email=True)
    mailing = mailings.create_mailing("News", "news", "email", {})
    db.session.commit()
    mailings.start_mailing(mailing.id)
    (message_id,) = mailings.prepare_mailing_messages(mailing.id)
    # a worker claimed it and died before marking it
    assert messaging.claim_message(message_id, "dead-worker")
    assert messaging.deliver_messages([message_id]).untouched == 1
    assert messaging.stalled_message_ids() == []
    later = datetime.now() + timedelta(seconds=messaging.setting("MESSAGE_CLAIM_TIMEOUT") + 1)
    assert messaging.stalled_message_ids(now=later) == [message_id]
    db.session.execute(update(Message).values(claimed_at=datetime.now() - timedelta(hours=1)))
    db.session.commit()
    assert messaging.deliver_messages([message_id]).sent == 1
    key = db.session.scalar(select(Message.idempotency_key))
    assert [d["message_id"] for d in smtp_server.deliveries] == [message_id_header(key)]


def test_finishing_a_mailing_creates_callback_tasks_once(app, db, smtp_server, make_user):
    manager = make_user("Manager")
    make_template()
    reached = make_client(email="a@example.org", consent_email=True, manager_id=manager.id)
    make_client(email="b@example.org", consent_email=False, manager_id=manager.id)
    make_client(email="c@example.org", consent_email=True)  # no manager: no task
    mailing = mailings.create_mailing("News", "news", "email", {})
    db.session.commit()
    with pytest.raises(DomainError):
        mailings.create_mailing("Bad", "missing-template", "email", {})
    mailings.start_mailing(mailing.id)
    with pytest.raises(DomainError):
        mailings.start_mailing(mailing.id)
    messaging.deliver_messages(mailings.prepare_mailing_messages(mailing.id))
    assert mailings.finish_mailing_if_complete(mailing.id)
    assert not mailings.finish_mailing_if_complete(mailing.id)
    tasks = db.session.scalars(select(Task)).all()
    assert [(t.client_id, t.manager_id, t.mailing_id) for t in tasks] == [
        (reached.id, manager.id, mailing.id)]
    assert "call back" in tasks[0].text
    assert db.session.get(Mailing, mailing.id).status == "done"
    assert mailings.create_callback_tasks(db.session.get(Mailing, mailing.id)) == 0


def test_sms_goes_through_the_log_provider(app, db):
    from app.services.communication.sms import LogSmsProvider

    make_template(channel="sms", subject=None, body="{first_name}: see you!")
    make_client(first_name="Ann", phone="+33 6 11", consent_sms=True)
    make_client(first_name="Bob", phone="+33 6 22", consent_sms=False)
    mailing = mailings.create_mailing("SMS", "news", "sms", {})
    db.session.commit()
    mailings.start_mailing(mailing.id)
    LogSmsProvider.sent.clear()
    report = messaging.deliver_messages(mailings.prepare_mailing_messages(mailing.id))
    assert report.sent == 1
    assert [(to, text) for to, text, _key in LogSmsProvider.sent] == [("+33 6 11", "Ann: see you!")]


def test_slow_sends_renew_their_claims_and_still_send_once(app, db, smtp_server):
    make_template()
    for n in range(4):
        make_client(email=f"s{n}@example.org", consent_email=True)
    mailing = mailings.create_mailing("News", "news", "email", {})
    db.session.commit()
    mailings.start_mailing(mailing.id)
    ids = mailings.prepare_mailing_messages(mailing.id)
    saved = app.config.get("MESSAGE_CLAIM_TIMEOUT")
    app.config["MESSAGE_CLAIM_TIMEOUT"] = 0.001  # every send outlives half the timeout
    try:
        report = messaging.deliver_messages(ids, claim_chunk=4)
    finally:
        app.config["MESSAGE_CLAIM_TIMEOUT"] = saved
    assert (report.sent, report.untouched) == (4, 0)
    assert sorted(smtp_server.addresses()) == [f"s{n}@example.org" for n in range(4)]


def test_a_dead_workers_mailing_is_found_within_two_minutes(app, db, request):
    """Defaults: claims and waiting rows go stale after at most a minute, the sweep runs every
    minute — so a mailing whose worker died is picked up again within two minutes. A live job
    touches the rows it has still to claim, so the sweep leaves them to it."""
    from config import Config

    from app.jobs.schedule import PERIODIC
    from app.jobs.communication import recover_stalled_messages

    server = request.getfixturevalue("smtp_server")
    assert Config.MESSAGE_CLAIM_TIMEOUT <= 60 and Config.MESSAGE_STALL_AFTER <= 60
    assert Config.MAIL_TIMEOUT < Config.MESSAGE_CLAIM_TIMEOUT / 2
    assert [cron for f, _q, cron in PERIODIC if f is recover_stalled_messages] == ["* * * * *"]

    make_template()
    for n in range(5):
        make_client(email=f"d{n}@example.org", consent_email=True)
    mailing = mailings.create_mailing("News", "news", "email", {})
    db.session.commit()
    mailings.start_mailing(mailing.id)
    ids = mailings.prepare_mailing_messages(mailing.id)
    a_while_ago = datetime.now() - timedelta(seconds=messaging.setting("MESSAGE_STALL_AFTER") + 5)
    db.session.execute(update(Message).values(created_on=a_while_ago))
    db.session.commit()
    # a worker claimed the first two, sent none and died; the other three wait, untouched
    assert messaging.claim_messages(ids[:2], "dead-worker", now=a_while_ago) == ids[:2]
    assert messaging.stalled_message_ids() == ids
    # a live job touches the rows it has still to claim: the sweep leaves them to it
    messaging._touch_waiting(ids[2:])
    assert messaging.stalled_message_ids() == ids[:2]
    # the recovered job sends every message exactly once
    assert messaging.deliver_messages(ids).sent == 5
    assert sorted(server.addresses()) == [f"d{n}@example.org" for n in range(5)]
    assert messaging.deliver_messages(ids).untouched == 5
