"""Stock jobs (queue "messages"): a purchase request emailed to its supplier.

The job sends through the communication domain's SMTP transport. A refused or unreachable server
fails the job, and rq's retry (``RETRY_OUTSIDE``) runs it again later; the request is marked
``sent`` only after the server accepted the mail, and a request already sent is not sent again
(the Message-ID derives from the request, so a resend after a crash carries the same id).
"""
from app.jobs import RETRY_OUTSIDE, app_job, enqueue, report_progress
from app.services.communication import SmtpTransport
from app.services.stock import purchasing


@app_job
def email_purchase_request(request_id):
    """Email one purchase request to its supplier, once."""
    from app.extensions import db

    email = purchasing.request_email(request_id)
    if email is None:
        report_progress(1, 1, sent=0)
        return 0
    to, name, subject, body = email
    transport = SmtpTransport()
    try:
        transport.send(to, subject, body, f"purchase-request-{request_id}", to_name=name)
    finally:
        transport.close()
    purchasing.mark_sent(request_id)
    db.session.commit()
    report_progress(1, 1, sent=1)
    return 1


def enqueue_new_purchase_requests(user_id=None):
    """After the caller's commit: one email job per purchase request its transaction opened."""
    return [enqueue(email_purchase_request, request_id, queue="messages",
                    kind="purchase_request_email", user_id=user_id, retry=RETRY_OUTSIDE)
            for request_id in purchasing.take_new_requests()]
