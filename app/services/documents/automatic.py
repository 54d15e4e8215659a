"""Automatic documents, each switched on or off in the settings (see README, configuration):

- ``AUTO_RECEIPTS``: a receipt for every payment taken, an organisation's too (not for the payments of a shop sale,
  whose numbered shop receipt lists them; not for money given back), issued in the payment's
  transaction; with ``AUTO_RECEIPT_EMAIL`` also emailed once to the client, honouring their e-mail
  consent as mailings do (a minor's receipt goes to a guardian, under the child's consent).
- ``AUTO_REGISTRATION_INVOICES``: an invoice to the organisation for every registration of its
  people on a course, billing the participants that registration added.
- ``AUTO_COURSE_CERTIFICATES``: a certificate of completion for every participant certified,
  printing the certificate number the courses domain issued (the number is never taken here).
- ``AUTO_CONTRACTS``: a contract on a client's first pass sale (a client with a contract that
  is not cancelled gets no second one).
- Every shop sale gets its numbered receipt (``sale_receipt``), whatever the settings.

Rule. Each function issues its document in the caller's transaction (numbered there, so a
rolled-back payment takes its receipt and its number back) and returns it, or None when the
setting is off or nothing is due; the caller has its PDF built after the commit. The language is
the desk user's interface language (the centre's default language outside a request).
"""
from flask import current_app, has_request_context
from flask_babel import get_locale
from sqlalchemy import select

from app.extensions import db
from app.models.clients import Client
from app.models.documents import Document
from app.services.clients import message_recipients
from app.services.documents.emailing import request_email
from app.services.documents.issuing import issue_document
from app.services.documents.templates import languages


def _on(setting):
    return bool(current_app.config.get(setting))


def _language():
    if has_request_context():
        locale = str(get_locale() or "")
        if locale in languages():
            return locale
    return None


def sale_receipt(sale):
    """The numbered receipt of a shop sale (one per sale)."""
    existing = db.session.scalar(select(Document).where(Document.sale_id == sale.id,
                                                        Document.kind == "receipt"))
    if existing is not None:
        return existing
    return issue_document("receipt", sale_id=sale.id, language=_language())


def receipt_for_payment(payment):
    """The receipt of a payment just taken (see the module's rule); with the e-mail setting on
    and an address known, the document is also marked to be emailed."""
    if not _on("AUTO_RECEIPTS") or payment.amount <= 0 or payment.purpose == "sale":
        return None
    document = issue_document("receipt", payment_id=payment.id, language=_language())
    if _on("AUTO_RECEIPT_EMAIL"):
        email = receipt_address(db.session.get(Client, payment.client_id))
        if email is not None:
            request_email(document.id, email)
    return document


def receipt_address(client):
    """Where a client's receipt is e-mailed, as mailings choose: the client's address when they
    agreed to e-mail; for a minor with guardians, the first guardian with an address, when the
    child's e-mail consent is given. None when nobody agreed or no address is known."""
    for recipient in message_recipients(client):
        email = (recipient.email or "").strip()
        if recipient.consent_email and "@" in email:
            return email
    return None


def receipt_for_organisation_payment(payment):
    """The receipt of an organisation's payment just recorded (``AUTO_RECEIPTS``), naming the
    organisation."""
    if not _on("AUTO_RECEIPTS") or payment.amount <= 0:
        return None
    return issue_document("receipt", organisation_payment_id=payment.id, language=_language())


def invoice_for_registration(registration, participants):
    """The organisation's invoice for the participants a registration just added."""
    if not _on("AUTO_REGISTRATION_INVOICES") or registration.organisation_id is None \
            or not participants:
        return None
    return issue_document("invoice", registration_id=registration.id,
                          items=[p.id for p in participants], language=_language())


def certificate_of_completion(participant):
    """The certificate of completion of a participant just certified."""
    if not _on("AUTO_COURSE_CERTIFICATES") or not participant.certificate_number:
        return None
    return issue_document("course_certificate", participant_id=participant.id,
                          language=_language())


def contract_on_first_sale(pass_):
    """A contract for the client of a pass just sold, unless they already have one (the client
    row is locked first on PostgreSQL, so two first sales at once make one contract; SQLite
    holds its write lock already)."""
    if not _on("AUTO_CONTRACTS"):
        return None
    query = select(Client.id).where(Client.id == pass_.client_id)
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(query.with_for_update())
    has_one = db.session.scalar(select(Document.id).where(
        Document.client_id == pass_.client_id, Document.kind == "contract",
        Document.status == "issued").limit(1))
    if has_one is not None:
        return None
    return issue_document("contract", client_id=pass_.client_id, language=_language())
