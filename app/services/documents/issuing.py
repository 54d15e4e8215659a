"""Issuing, listing, printing and cancelling documents.

Rules. A document is issued for a subject its kind allows (see ``kinds``) and takes the next
number of its kind's series for the current year in the same transaction (see ``numbering``).
It is never deleted: cancelling keeps the number, records why and marks it ``cancelled``; a
cancelled document cannot be cancelled again nor sent. Its PDF is built by a job from the
template of its kind and language and kept under ``DOCUMENTS_FOLDER/<year>/``.
"""
import os
from datetime import date, datetime

from flask import current_app
from flask_babel import force_locale, lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models.clients import Client, Organisation
from app.models.courses import CourseParticipant, CourseRegistration, OrganisationPayment
from app.models.documents import Document
from app.models.passes import GiftCertificate, Payment
from app.models.stock import Sale
from app.services.documents.content import document_values
from app.services.documents.kinds import DOCUMENT_KINDS, SUBJECT_COLUMNS, SUBJECTS, WITH_PERIOD
from app.services.documents.numbering import next_number
from app.services.documents.pdf import html_to_pdf
from app.services.documents.templates import languages, render_source, template_source
from app.services.platform import Conflict, DomainError, NotFound

SUBJECT_MODELS = {"client": Client, "organisation": Organisation, "payment": Payment,
                  "certificate": GiftCertificate, "sale": Sale,
                  "registration": CourseRegistration, "participant": CourseParticipant,
                  "organisation_payment": OrganisationPayment}
SUBJECT_NOT_FOUND = {
    "client": _l("No such client."),
    "organisation": _l("No such organisation."),
    "payment": _l("No such payment."),
    "certificate": _l("No such gift certificate."),
    "sale": _l("No such sale."),
    "registration": _l("No such course registration."),
    "participant": _l("No such course participant."),
    "organisation_payment": _l("No such organisation's payment."),
}


def documents_folder():
    return current_app.config.get("DOCUMENTS_FOLDER") or os.path.join(
        current_app.instance_path, "documents")


def _subject(kind, subjects):
    """(subject type, id) of the one subject given that the kind allows."""
    given = {name: value for name, value in subjects.items() if value is not None}
    allowed = SUBJECTS[kind]
    picked = [name for name in allowed if name in given]
    extra = [name for name in given if name not in allowed]
    if extra:
        raise DomainError(_l("This kind of document is not about %(subject)s.",
                             subject=extra[0]), field=extra[0])
    if len(picked) != 1:
        raise DomainError(_l("Name one subject of the document: %(subjects)s.",
                             subjects=", ".join(allowed)), field=allowed[0])
    name = picked[0]
    subject = db.session.get(SUBJECT_MODELS[name], given[name])
    if subject is None:
        raise NotFound(SUBJECT_NOT_FOUND[name], field=name)
    if name == "registration" and subject.organisation_id is None:
        raise DomainError(_l("Only an organisation's registration is invoiced this way; "
                             "invoice a private person as a client."), field=name)
    if name == "participant" and not subject.certificate_number:
        raise DomainError(_l("This participant has not been certified."), field=name)
    return name, subject


def _period(kind, start, end, subject_name=None):
    if kind not in WITH_PERIOD or subject_name == "registration":
        return None, None
    today = date.today()
    start = start or today.replace(day=1)
    end = end or max(today, start)
    if end < start:
        raise DomainError(_l("The period ends before it starts."), field="period_end")
    return start, end


def issue_document(kind, client_id=None, organisation_id=None, payment_id=None,
                   certificate_id=None, period_start=None, period_end=None, language=None,
                   sale_id=None, registration_id=None, participant_id=None, items=None,
                   organisation_payment_id=None):
    """Issue a numbered document (not yet printed: ``build_pdf`` does that in a job). The caller
    commits; the number is taken in this transaction. A receipt, a registration's invoice and a
    certificate of completion also name the client or organisation they concern (an
    organisation's payment: its organisation)."""
    if kind not in DOCUMENT_KINDS:
        raise DomainError(_l("Unknown kind of document."), field="kind")
    name, subject = _subject(kind, {"client": client_id, "organisation": organisation_id,
                                    "payment": payment_id, "certificate": certificate_id,
                                    "sale": sale_id, "registration": registration_id,
                                    "participant": participant_id,
                                    "organisation_payment": organisation_payment_id})
    start, end = _period(kind, period_start, period_end, name)
    if language is None:  # a client's document speaks the client's language
        owner_id = client_id if name == "client" else getattr(subject, "client_id", None)
        client = db.session.get(Client, owner_id) if owner_id is not None else None
        language = client.language if client is not None else None
    language = language or current_app.config.get("BABEL_DEFAULT_LOCALE", "en")
    if language not in languages():
        raise DomainError(_l("Unknown language."), field="language")
    year = date.today().year
    seq, number = next_number(kind, year)
    document = Document(kind=kind, year=year, seq=seq, number=number, period_start=start,
                        period_end=end, language=language, status="issued", items=items,
                        **{SUBJECT_COLUMNS[name]: subject.id})
    if name in ("payment", "sale", "participant"):
        document.client_id = subject.client_id
    elif name in ("registration", "organisation_payment"):
        document.organisation_id = subject.organisation_id
    db.session.add(document)
    db.session.flush()
    return document


def get_document(document_id):
    document = db.session.get(Document, document_id)
    if document is None:
        raise NotFound(_l("No such document."))
    return document


def cancel_document(document_id, reason):
    """Mark a document cancelled (it keeps its number); a reason is required."""
    document = get_document(document_id)
    if document.status == "cancelled":
        raise Conflict(_l("This document is already cancelled."))
    if not (reason or "").strip():
        raise DomainError(_l("A reason is required."), field="reason")
    document.status = "cancelled"
    document.cancelled_on = datetime.now()
    document.cancel_reason = reason.strip()
    db.session.flush()
    return document


def render_html(document):
    """The document as HTML, from its kind and language's template; its values (kind title,
    payment method…) are worded in the document's language too."""
    source, _custom = template_source(document.kind, document.language)
    with force_locale(document.language):
        values = document_values(document)
    return render_source(source, values, document.language)


def build_pdf(document_id, progress=None):
    """Print the document to ``DOCUMENTS_FOLDER/<year>/<number>.pdf`` (again, after a
    cancellation) and remember the file; returns its path. The caller commits."""
    document = get_document(document_id)
    if progress:
        progress(0, 2)
    html = render_html(document)
    if progress:
        progress(1, 2)
    path = os.path.join(documents_folder(), str(document.year), f"{document.number}.pdf")
    html_to_pdf(html, path)
    document.file_path = path
    document.rendered_on = datetime.now()
    db.session.flush()
    if progress:
        progress(2, 2)
    return path


def document_file(document_id):
    """The path of a document's PDF, refused while it is not built yet."""
    document = get_document(document_id)
    if not document.file_path or not os.path.isfile(document.file_path):
        raise NotFound(_l("This document's PDF is not ready yet."))
    return document.file_path


def client_documents(client_id, limit=50):
    """The documents about a client (its payments' receipts included), newest first."""
    return db.session.scalars(
        select(Document).options(selectinload(Document.created_by))
        .where(Document.client_id == client_id)
        .order_by(Document.created_on.desc(), Document.id.desc()).limit(limit)).all()


def recent_documents(limit=200):
    return db.session.scalars(
        select(Document).options(selectinload(Document.client),
                                 selectinload(Document.organisation),
                                 selectinload(Document.created_by))
        .order_by(Document.created_on.desc(), Document.id.desc()).limit(limit)).all()


def sale_documents(sale_id):
    """The receipt(s) of a shop sale, oldest first."""
    return db.session.scalars(select(Document).where(Document.sale_id == sale_id)
                              .order_by(Document.id)).all()


def payment_receipts(payment_ids):
    """``{payment id: receipt}`` for these payments (the latest receipt of each), one query."""
    if not payment_ids:
        return {}
    rows = db.session.scalars(select(Document).where(Document.payment_id.in_(list(payment_ids)),
                                                     Document.kind == "receipt")
                              .order_by(Document.id)).all()
    return {document.payment_id: document for document in rows}
