"""A course's e-mail invitations carry its programme file: the real SMTP server receives the
PDF with the right bytes and file name, exactly once though the first attempt was refused;
the file sent is the one of the moment of inviting; an SMS invitation has no attachment."""
from datetime import date, timedelta

import pytest

from app.jobs.communication import deliver_batch
from app.models.communication import Message, MessageAttachment
from app.services.courses import catalogue, invitations
from tests.communication_fixtures import smtp_server  # noqa: F401
from tests.factories.communication import make_template
from tests.factories.courses import make_company, make_course

PDF = b"%PDF-1.4\n% programme\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"


def test_the_invitation_carries_the_programme_once_despite_a_retry(app, db, smtp_server):
    make_template(name="course_invitation", subject="{course_title}",
                  body="Dear {first_name}, join {course_title} on {course_dates}.")
    company, people = make_company(people=2)
    for n, person in enumerate(people):
        person.email, person.consent_email = f"trainee{n}@example.org", True
    course = make_course(title="First aid", starts_on=date.today() + timedelta(days=10))
    catalogue.attach_programme(course.id, "Programme premiers secours.pdf", PDF,
                               "application/pdf")
    queued = []
    invitations.invite(course.id, organisation_id=company.id, enqueue_delivery=queued.extend)
    db.session.commit()
    # the programme replaced after inviting: the invitations still send the file they were given
    catalogue.attach_programme(course.id, "programme-v2.pdf", b"%PDF-1.4 newer", "application/pdf")
    db.session.commit()

    smtp_server.refuse_first = 1
    with pytest.raises(Exception, match="to retry"):
        deliver_batch(queued)
    deliver_batch(queued)
    deliver_batch(queued)  # a late rerun sends nothing again
    assert sorted(smtp_server.addresses()) == ["trainee0@example.org", "trainee1@example.org"]
    for mail in smtp_server.deliveries:
        assert "First aid" in mail["subject"] and "Dear" in mail["body"]
        assert mail["attachments"] == [("Programme premiers secours.pdf", PDF, "application/pdf")]
    db.session.expire_all()
    assert sorted(db.session.query(Message.status).filter(Message.id.in_(queued)).all()) == [
        ("sent",), ("sent",)]
    assert db.session.query(MessageAttachment).count() == 2


def test_no_programme_no_attachment_and_sms_has_none(app, db, smtp_server):
    make_template(name="course_invitation", subject="{course_title}", body="Join {course_title}.")
    make_template(name="course_invitation", channel="sms", subject=None,
                  body="Join {course_title}.")
    company, (person,) = make_company(people=1)
    person.email, person.consent_email = "plain@example.org", True
    person.phone, person.consent_sms = "+37410111222", True
    plain = make_course(title="No programme")
    texted = make_course(title="By SMS")
    catalogue.attach_programme(texted.id, "p.pdf", PDF, "application/pdf")
    queued = []
    invitations.invite(plain.id, client_ids=[person.id], enqueue_delivery=queued.extend)
    invitations.invite(texted.id, client_ids=[person.id], channel="sms",
                       enqueue_delivery=queued.extend)
    db.session.commit()
    assert len(queued) == 2 and db.session.query(MessageAttachment).count() == 0
    deliver_batch(queued)
    (mail,) = smtp_server.deliveries
    assert mail["attachments"] == [] and mail["body"].startswith("Join No programme")


def test_a_lost_attachment_fails_the_message_without_sending(app, db, smtp_server):
    import os

    from app.services.communication.attachments import attachment_folder

    make_template(name="course_invitation", subject="{course_title}", body="Join.")
    company, (person,) = make_company(people=1)
    person.email, person.consent_email = "lost@example.org", True
    course = make_course(title="Lost file")
    catalogue.attach_programme(course.id, "lost.pdf", PDF + b"lost", "application/pdf")
    queued = []
    invitations.invite(course.id, client_ids=[person.id], enqueue_delivery=queued.extend)
    db.session.commit()
    stored = db.session.query(MessageAttachment.stored_name).one()[0]
    os.remove(os.path.join(attachment_folder(), stored))
    deliver_batch(queued)
    assert smtp_server.deliveries == []
    message = db.session.get(Message, queued[0])
    db.session.refresh(message)
    assert message.status == "failed" and "missing" in message.error
