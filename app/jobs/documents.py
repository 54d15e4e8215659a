"""Document jobs (queue "reports"): print a document to PDF; email one, exactly once."""
from app.extensions import db
from app.jobs import RETRY_OUTSIDE, app_job, enqueue, report_progress
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
