"""Sending a document by email on request, exactly once.

Rule. A request marks the document ``requested`` (refused if it was already requested or sent,
or if the document is cancelled). Only the job that *claims* it sends it: a conditional
``UPDATE document SET email_status='sending' WHERE id=? AND email_status='requested'`` committed
before talking to the SMTP server; it is marked ``sent`` right after the server accepted it. A
retried or duplicated job finds the row no longer ``requested`` and sends nothing. A temporary
failure (server unreachable, 4xx) gives the claim back for the retry; a permanent one (5xx)
marks it ``failed`` with the server's answer. The mail carries a Message-ID derived from the
document's number, so a resend after a worker crash between acceptance and marking is dropped
by the receiving systems. A claim older than ``MESSAGE_CLAIM_TIMEOUT`` seconds (its worker died)
may be taken again, by a new request or a retried job.
"""
import os
import uuid
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import force_locale, gettext as _, lazy_gettext as _l
from sqlalchemy import and_, or_, update

from app.extensions import db
from app.models.documents import Document
from app.services.communication import PermanentFailure, SmtpTransport, TemporaryFailure
from app.services.documents.issuing import build_pdf, get_document
from app.services.documents.kinds import KIND_LABELS
from app.services.platform import Conflict, DomainError


def request_email(document_id, to=None):
    """Ask for the document to be emailed (to ``to``, else its client's or organisation's
    address). The caller commits and enqueues ``send_document_email``."""
    document = get_document(document_id)
    if document.status == "cancelled":
        raise Conflict(_l("A cancelled document cannot be sent."))
    stale = (document.email_status == "sending" and document.email_claimed_on is not None
             and document.email_claimed_on < _stale_before())
    if document.email_status in ("requested", "sending", "sent") and not stale:
        raise Conflict(_l("This document has already been sent or is being sent."))
    address = (to or "").strip()
    if not address:
        owner = document.client or document.organisation
        address = (getattr(owner, "email", None) or "").strip()
    if not address or "@" not in address:
        raise DomainError(_l("An email address is required."), field="email")
    document.email_to = address
    document.email_status = "requested"
    document.email_error = None
    db.session.flush()
    return document


def _stale_before():
    timeout = current_app.config.get("MESSAGE_CLAIM_TIMEOUT") or 300
    return datetime.now() - timedelta(seconds=timeout)


def _claim(document_id, token):
    table = Document.__table__
    result = db.session.execute(
        update(table).where(table.c.id == document_id,
                            or_(table.c.email_status == "requested",
                                and_(table.c.email_status == "sending",
                                     table.c.email_claimed_on < _stale_before())))
        .values(email_status="sending", email_claim=token, email_claimed_on=datetime.now())
        .execution_options(synchronize_session=False))
    db.session.commit()
    return result.rowcount == 1


def _finish(document_id, token, **values):
    table = Document.__table__
    db.session.execute(
        update(table).where(table.c.id == document_id, table.c.email_claim == token,
                            table.c.email_status == "sending")
        .values(**values).execution_options(synchronize_session=False))
    db.session.commit()


def send_document_email(document_id):
    """Send a requested document with its PDF attached; True if this call sent it, False if it
    was not (or no longer) waiting to be sent. ``TemporaryFailure`` is raised again after the
    claim is given back, so the job's retry tries later."""
    token = uuid.uuid4().hex
    if not _claim(document_id, token):
        return False
    db.session.expire_all()
    document = get_document(document_id)
    try:
        path = document.file_path
        if not path or not os.path.isfile(path):
            path = build_pdf(document_id)
            db.session.commit()
        with open(path, "rb") as handle:
            data = handle.read()
        with force_locale(document.language):
            title = f"{KIND_LABELS[document.kind]} {document.number}"
            body = _("Please find attached the document %(number)s.", number=document.number)
        owner = document.client or document.organisation
        transport = SmtpTransport()
        try:
            transport.send(document.email_to, title, body, f"document.{document.number}",
                           to_name=str(owner) if owner else None,
                           attachments=[(f"{document.number}.pdf", data, "application/pdf")])
        finally:
            transport.close()
    except PermanentFailure as exc:
        _finish(document_id, token, email_status="failed", email_error=str(exc))
        return False
    except TemporaryFailure as exc:
        _finish(document_id, token, email_status="requested", email_claim=None,
                email_error=str(exc))
        raise
    except Exception as exc:
        db.session.rollback()
        _finish(document_id, token, email_status="failed", email_error=str(exc))
        raise
    _finish(document_id, token, email_status="sent", emailed_on=datetime.now(), email_error=None)
    return True
