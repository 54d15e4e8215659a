"""Document jobs on a real worker: the PDF with progress; email sent exactly once, with the PDF."""
from email import message_from_bytes
from email.policy import default as default_policy

import pytest
from rq import SimpleWorker

from app.jobs import get_queue, redis_connection
from app.jobs.documents import start_email, start_pdf
from app.models.documents import Document
from app.security import MANAGER
from app.services.documents import issue_document
from app.services.documents.emailing import request_email, send_document_email
from tests.communication_fixtures import smtp_server  # noqa: F401  (fixture)
from tests.factories.documents import make_history
from tests.factories.passes import make_client


@pytest.fixture
def mailbox(smtp_server):  # noqa: F811
    """The real SMTP server, recording whole mails (ours have a PDF part, so they are
    multipart): to, Message-ID, subject and the attachments as {file name: bytes}."""
    received = []

    async def handle_DATA(server, session, envelope):
        with smtp_server.lock:
            smtp_server.attempts += 1
            if smtp_server.attempts <= smtp_server.refuse_first:
                return "451 try later"
            mail = message_from_bytes(envelope.content, policy=default_policy)
            received.append({
                "to": [rcpt.lower() for rcpt in envelope.rcpt_tos],
                "message_id": mail["Message-ID"], "subject": str(mail["Subject"]),
                "attachments": {part.get_filename(): part.get_payload(decode=True)
                                for part in mail.walk() if part.get_filename()}})
        return "250 Message accepted for delivery"

    smtp_server.handle_DATA = handle_DATA
    smtp_server.received = received
    return smtp_server


@pytest.fixture
def async_jobs(app):
    saved = app.config.get("RQ_ASYNC")
    app.config["RQ_ASYNC"] = True
    yield
    app.config["RQ_ASYNC"] = saved


def work(*queues):
    connection = redis_connection()
    SimpleWorker([get_queue(name, connection) for name in queues],
                 connection=connection).work(burst=True)


def test_pdf_job_reports_progress_and_stores_the_file(app, db, login, async_jobs):
    manager = login(MANAGER)
    client, _pass = make_history()
    document = issue_document("invoice", client_id=client.id)
    db.session.commit()
    doc_id = document.id
    job = start_pdf(doc_id, manager.user_id)
    before = manager.get(f"/api/v1/job/{job.id}").json
    assert before["status"] == "queued" and before["progress"] == 0
    work("reports")
    after = manager.get(f"/api/v1/job/{job.id}").json
    assert after["status"] == "finished" and after["progress"] == 100
    db.session.expire_all()
    stored = db.session.get(Document, doc_id)
    assert stored.file_path and open(stored.file_path, "rb").read(5) == b"%PDF-"
    assert manager.get(after["result_url"]).data[:5] == b"%PDF-"


def test_email_is_sent_once_with_the_pdf_attached(app, db, login, async_jobs, mailbox):
    manager = login(MANAGER)
    client = make_client(email="anna@example.com")
    make_history(client)
    document = issue_document("statement", client_id=client.id)
    request_email(document.id)
    db.session.commit()
    doc_id, number = document.id, document.number
    # the same request enqueued twice (a double click, a retried job): one email
    start_email(doc_id, manager.user_id)
    start_email(doc_id, manager.user_id)
    work("messages")
    assert [mail["to"] for mail in mailbox.received] == [["anna@example.com"]]
    mail = mailbox.received[0]
    assert number in mail["subject"]
    assert mail["message_id"].startswith(f"<document.{number}@")
    assert list(mail["attachments"]) == [f"{number}.pdf"]
    assert mail["attachments"][f"{number}.pdf"][:5] == b"%PDF-"
    db.session.expire_all()
    sent = db.session.get(Document, doc_id)
    assert sent.email_status == "sent" and sent.emailed_on is not None
    assert send_document_email(doc_id) is False  # nothing waits: nothing sent


def test_a_refused_server_gives_the_claim_back_for_the_retry(app, db, mailbox):
    from app.services.communication import TemporaryFailure

    client = make_client(email="c@example.com")
    document = issue_document("registration_card", client_id=client.id)
    request_email(document.id, "other@example.com")
    db.session.commit()
    mailbox.refuse_first = 1
    with pytest.raises(TemporaryFailure):
        send_document_email(document.id)
    db.session.expire_all()
    assert db.session.get(Document, document.id).email_status == "requested"
    assert send_document_email(document.id) is True
    assert [mail["to"] for mail in mailbox.received] == [["other@example.com"]]


def test_a_claim_left_by_a_dead_worker_is_taken_again_after_the_timeout(app, db, mailbox):
    from datetime import datetime, timedelta

    from app.services.platform import Conflict

    client = make_client(email="d@example.com")
    document = issue_document("registration_card", client_id=client.id)
    db.session.commit()
    # a worker claimed it moments ago (well within MESSAGE_CLAIM_TIMEOUT) and is still
    # sending: nobody else may
    document.email_to, document.email_status = "d@example.com", "sending"
    timeout = app.config["MESSAGE_CLAIM_TIMEOUT"]
    document.email_claim = "dead"
    document.email_claimed_on = datetime.now() - timedelta(seconds=timeout // 3)
    db.session.commit()
    assert send_document_email(document.id) is False
    with pytest.raises(Conflict):
        request_email(document.id)
    # the worker died long ago: the claim is stale, a retry sends it
    document.email_claimed_on = datetime.now() - timedelta(hours=1)
    db.session.commit()
    assert send_document_email(document.id) is True
    assert [mail["to"] for mail in mailbox.received] == [["d@example.com"]]


def test_an_automatic_receipt_is_printed_and_emailed_once_after_the_commit(
        app, db, async_jobs, mailbox):
    """A payment at the desk with automatic receipts and their e-mail on: the receipt's PDF and
    e-mail jobs wait in the outbox until the payment commits, then the worker prints it and the
    client gets it once, with the PDF attached."""
    import subprocess

    from app.jobs import push_committed
    from app.services.money import take_payment

    app.config.update(AUTO_RECEIPTS=True, AUTO_RECEIPT_EMAIL=True)
    try:
        client = make_client(first_name="Анна", last_name="Պետրոսյան", email="anna@example.com",
                             consent_email=True)
        payment_id = take_payment(client.id, "42.50", method="card").id
        db.session.commit()
        assert push_committed() == 2
        assert push_committed() == 0  # handed over once
        work("reports", "messages")
    finally:
        app.config.update(AUTO_RECEIPTS=False, AUTO_RECEIPT_EMAIL=False)
    db.session.expire_all()
    receipt = db.session.query(Document).filter_by(payment_id=payment_id).one()
    assert receipt.email_status == "sent" and receipt.file_path
    text = subprocess.run(["pdftotext", "-layout", receipt.file_path, "-"], capture_output=True,
                          text=True, check=True).stdout
    assert receipt.number in text and "42.50" in text and "Պետրոսյան" in text
    assert [mail["to"] for mail in mailbox.received] == [["anna@example.com"]]
    assert f"{receipt.number}.pdf" in mailbox.received[0]["attachments"]
