"""Document jobs (queue "reports"): print a document to PDF; email one, exactly once; and the
listeners that issue documents automatically on payments, sales and courses."""
from app.extensions import db
from app.jobs import RETRY_OUTSIDE, app_job, enqueue, enqueue_after_commit, report_progress
from app.services import courses, documents, money, stock
from app.services.documents.emailing import send_document_email
from app.services.documents.issuing import build_pdf


@app_job
def build_document_pdf(document_id):
    """Print the document; its path goes to the job's record (and to the document)."""
    path = build_pdf(document_id, progress=report_progress)
    db.session.commit()
    return path


@app_job
def email_document(document_id):
    """Send a requested document by email (a duplicate or retried job sends nothing twice)."""
    return send_document_email(document_id)


def start_pdf(document_id, user_id):
    """Enqueue the printing of a document; returns the RQ job."""
    return enqueue(build_document_pdf, document_id, queue="reports", kind="document:pdf",
                   user_id=user_id)


def start_email(document_id, user_id):
    """Enqueue the sending of a requested document, retried while the server is away."""
    return enqueue(email_document, document_id, queue="messages", kind="document:email",
                   user_id=user_id, retry=RETRY_OUTSIDE)


# --- automatic documents ------------------------------------------------------------------
# The producing domains (money, courses, stock) call their listeners inside their own
# transaction; the document is issued there and its PDF (and e-mail) jobs are written to the
# outbox in the same transaction, handed to Redis once it commits (``enqueue_after_commit``).

def _after_commit(document, user_id=None):
    if document is None:
        return None
    enqueue_after_commit(build_document_pdf, document.id, queue="reports", kind="document:pdf",
                         user_id=user_id)
    if document.email_status == "requested":
        enqueue_after_commit(email_document, document.id, queue="messages",
                             kind="document:email", user_id=user_id, retry=RETRY_OUTSIDE)
    return document


def _user_id():
    from flask import g, has_request_context

    user = getattr(g, "user", None) if has_request_context() else None
    return getattr(user, "id", None)


def on_payment_taken(payment):
    return _after_commit(documents.receipt_for_payment(payment),
                         payment.taken_by_fk or _user_id())


def on_organisation_paid(payment):
    return _after_commit(documents.receipt_for_organisation_payment(payment),
                         payment.taken_by_fk or _user_id())


def on_pass_sold(pass_):
    return _after_commit(documents.contract_on_first_sale(pass_), _user_id())


def on_registered(registration, participants):
    return _after_commit(documents.invoice_for_registration(registration, participants),
                         _user_id())


def on_certified(participant):
    return _after_commit(documents.certificate_of_completion(participant), _user_id())


def on_sold(sale):
    return _after_commit(documents.sale_receipt(sale), _user_id())


def install_automatic_documents():
    """Register the documents' listeners with money, courses and stock (once per process)."""
    money.listen(money.PAYMENT_TAKEN, on_payment_taken)
    money.listen(money.PASS_SOLD, on_pass_sold)
    courses.listen(courses.REGISTERED, on_registered)
    courses.listen(courses.CERTIFIED, on_certified)
    courses.listen(courses.ORGANISATION_PAID, on_organisation_paid)
    stock.listen(stock.SOLD, on_sold)
