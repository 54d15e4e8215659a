"""Automatic documents, each switched on in the settings: a receipt per payment (in the
payment's transaction, numbered without gaps, e-mail requested once), an invoice per
organisation registration, a certificate of completion per certified participant (the courses
domain's number, not a second one), a contract on a client's first pass sale. The PDFs are built
by the existing job once the transaction commits."""
import threading
from datetime import date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.models.documents import Document
from app.jobs import push_committed
from app.models.jobs import JobRecord
from app.services.courses import course_hours
from app.services.documents.issuing import render_html
from app.services.money import take_payment
from app.services.platform import DomainError
from tests.factories.courses import make_company, make_course
from tests.factories.passes import make_client, make_pass

YEAR = date.today().year
SETTINGS = ("AUTO_RECEIPTS", "AUTO_RECEIPT_EMAIL", "AUTO_REGISTRATION_INVOICES",
            "AUTO_COURSE_CERTIFICATES", "AUTO_CONTRACTS")


@pytest.fixture
def settings(app):
    saved = {name: app.config.get(name) for name in SETTINGS}

    def switch(**values):
        app.config.update(values)

    yield switch
    app.config.update(saved)


def _documents(kind):
    return db_documents(select(Document).where(Document.kind == kind).order_by(Document.id))


def db_documents(query):
    from app.extensions import db

    return db.session.scalars(query).all()


def test_no_receipt_while_the_setting_is_off(db, settings):
    client = make_client()
    take_payment(client.id, "10.00")
    db.session.commit()
    assert _documents("receipt") == []


def test_a_receipt_for_every_payment_in_its_transaction(db, settings):
    settings(AUTO_RECEIPTS=True)
    client = make_client(email="anna@example.com")
    first = take_payment(client.id, "10.00", method="card")
    db.session.commit()
    take_payment(client.id, "5.00")
    db.session.rollback()  # a payment rolled back takes its receipt and number with it
    second = take_payment(client.id, "7.50")
    db.session.commit()
    receipts = _documents("receipt")
    assert [(d.payment_id, d.client_id, d.number) for d in receipts] == [
        (first.id, client.id, f"RCP-{YEAR}-000001"), (second.id, client.id, f"RCP-{YEAR}-000002")]
    assert receipts[0].email_status is None  # e-mail not asked for
    # its PDF job was written to the outbox in the same transaction (the rolled-back one's
    # went with it), handed to Redis once committed (after each request; here by hand)
    jobs = db.session.scalars(select(JobRecord).where(JobRecord.kind == "document:pdf")).all()
    assert len(jobs) == 2 and all(job.enqueued_on is None for job in jobs)
    assert push_committed() == 2
    db.session.expire_all()
    assert all(job.enqueued_on is not None for job in jobs)
    html = render_html(receipts[0])
    assert "RCP-%d-000001" % YEAR in html and "10.00" in html


def test_the_receipt_email_is_requested_once_when_the_client_has_an_address(db, settings):
    settings(AUTO_RECEIPTS=True, AUTO_RECEIPT_EMAIL=True)
    with_address = make_client(email="anna@example.com", consent_email=True)
    without = make_client(email=None, consent_email=True)
    take_payment(with_address.id, "10.00")
    take_payment(without.id, "10.00")
    db.session.commit()
    receipts = _documents("receipt")
    assert [(d.email_status, d.email_to) for d in receipts] == [
        ("requested", "anna@example.com"), (None, None)]
    mails = db.session.scalars(select(JobRecord).where(JobRecord.kind == "document:email")).all()
    assert len(mails) == 1


def test_the_receipt_email_honours_the_email_consent_as_mailings_do(db, settings):
    """No consent, no e-mail (the receipt is still issued); a child's receipt goes to the
    guardian's address under the child's consent, never to the child's own address."""
    from tests.factories.clients import make_client as make_card

    settings(AUTO_RECEIPTS=True, AUTO_RECEIPT_EMAIL=True)
    agreed = make_client(email="yes@example.com", consent_email=True)
    refused = make_client(email="no@example.com", consent_email=False)
    child_born = date(date.today().year - 8, 3, 1)
    child_agreed = make_card(birth_date=child_born, email="kid@example.com", consent_email=True,
                             guardians=[dict(full_name="Mariam K", relation="mother",
                                             email="mariam@example.com")], commit=False)
    child_refused = make_card(birth_date=child_born, consent_email=False,
                              guardians=[dict(full_name="Davit K", relation="father",
                                              email="davit@example.com")], commit=False)
    db.session.flush()
    for client in (agreed, refused, child_agreed, child_refused):
        take_payment(client.id, "10.00")
    db.session.commit()
    receipts = _documents("receipt")
    assert [(d.client_id, d.email_status, d.email_to) for d in receipts] == [
        (agreed.id, "requested", "yes@example.com"), (refused.id, None, None),
        (child_agreed.id, "requested", "mariam@example.com"), (child_refused.id, None, None)]
    mails = db.session.scalars(select(JobRecord).where(JobRecord.kind == "document:email")).all()
    assert len(mails) == 2


def test_money_given_back_gets_no_receipt(db, settings):
    settings(AUTO_RECEIPTS=True)
    from app.services.money import return_money

    client = make_client()
    return_money(client.id, "3.00", "Overpaid")
    db.session.commit()
    assert _documents("receipt") == []


def test_an_organisation_registration_is_invoiced_for_the_people_it_added(db, settings):
    settings(AUTO_REGISTRATION_INVOICES=True)
    from app.services.courses.registrations import register

    course = make_course(title="First aid", price_per_participant=Decimal("120.00"))
    company, people = make_company(people=3, short_name="Acme")
    register(course.id, [{"client_id": people[0].id}, {"client_id": people[1].id}],
             organisation_id=company.id)
    register(course.id, [{"client_id": people[2].id, "payment_type": "free"}],
             organisation_id=company.id)
    register(course.id, [{"client_id": make_client().id}])  # a private person: no invoice here
    db.session.commit()
    invoices = _documents("invoice")
    assert [(d.organisation_id, d.client_id, d.number) for d in invoices] == [
        (company.id, None, f"INV-{YEAR}-000001"), (company.id, None, f"INV-{YEAR}-000002")]
    html = render_html(invoices[0])
    assert "Acme" in html and people[0].full_name in html and people[1].full_name in html
    assert people[2].full_name not in html and "240.00" in html
    assert people[2].full_name in render_html(invoices[1])


def test_a_certificate_of_completion_prints_the_courses_number_once(db, settings):
    settings(AUTO_COURSE_CERTIFICATES=True)
    from app.services.courses import catalogue, certificates
    from app.services.courses.registrations import register

    course = make_course(title="First aid", certificate_series="MED",
                         starts_on=date(2026, 6, 1), ends_on=date(2026, 6, 2))
    catalogue.add_session(course.id, datetime(2026, 6, 1, 10), datetime(2026, 6, 1, 13, 30))
    catalogue.add_session(course.id, datetime(2026, 6, 2, 10), datetime(2026, 6, 2, 14))
    company, people = make_company(people=2)
    _, (passed, failed) = register(course.id, [{"client_id": p.id} for p in people],
                                   organisation_id=company.id)
    certificates.certify(course.id, passed.id, grade="A")
    certificates.certify(course.id, passed.id, grade="A+")  # again: no new number, no new paper
    certificates.certify(course.id, failed.id, result="failed")
    db.session.commit()
    documents = _documents("course_certificate")
    assert [(d.course_participant_id, d.client_id, d.number) for d in documents] == [
        (passed.id, people[0].id, f"CRT-{YEAR}-000001")]
    assert passed.certificate_number == "MED-0001" and course.certificate_last_number == 1
    assert course_hours(course) == Decimal("7.50")
    html = render_html(documents[0])
    assert "MED-0001" in html and "First aid" in html and "<td>7.5</td>" in html
    assert people[0].full_name in html
    with pytest.raises(DomainError):  # an uncertified person gets no certificate by hand either
        from app.services.documents import issue_document

        issue_document("course_certificate", participant_id=failed.id)


def test_a_contract_on_the_first_pass_sale_only(db, settings):
    settings(AUTO_CONTRACTS=True)
    client = make_client()
    make_pass(client)
    make_pass(client)
    other = make_client()
    make_pass(other)
    db.session.commit()
    assert [(d.client_id, d.number) for d in _documents("contract")] == [
        (client.id, f"CON-{YEAR}-000001"), (other.id, f"CON-{YEAR}-000002")]


WORKERS = 12


def test_concurrent_payments_get_consecutive_receipts(app, db, settings):
    settings(AUTO_RECEIPTS=True)
    clients = [make_client() for _ in range(WORKERS)]
    db.session.commit()
    ids = [c.id for c in clients]
    barrier = threading.Barrier(WORKERS)
    outcomes, lock = [], threading.Lock()

    def desk(client_id):
        from app.extensions import db as database

        with app.app_context():
            barrier.wait()
            try:
                take_payment(client_id, "10.00")
                database.session.commit()
                result = "ok"
            except Exception as exc:  # any error is a failure the assertion shows
                database.session.rollback()
                result = f"error: {type(exc).__name__}: {exc}"
            finally:
                database.session.remove()
            with lock:
                outcomes.append(result)

    threads = [threading.Thread(target=desk, args=(cid,)) for cid in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes == ["ok"] * WORKERS
    db.session.expire_all()
    numbers = sorted(d.number for d in _documents("receipt"))
    assert numbers == [f"RCP-{YEAR}-{n:06d}" for n in range(1, WORKERS + 1)]
    assert sorted(d.client_id for d in _documents("receipt")) == sorted(ids)
