"""Documents issued from templates: contracts, invoices, acts, receipts, gift certificates,
registration cards, client statements, organisation reconciliations.

A document is numbered per kind and year (``INV-2026-000123``) from ``DocumentCounter`` in the
same transaction that inserts it, so numbers have no gaps and no duplicates. A document is never
deleted: cancelling keeps its number and marks it ``cancelled``.
"""
from flask_appbuilder import Model
from sqlalchemy import (JSON, CheckConstraint, Column, Date, DateTime, ForeignKey, Index, Integer,
                        String, Text, UniqueConstraint)
from sqlalchemy.orm import relationship

from app.models.base import AuditMixin

DOCUMENT_KINDS = ("contract", "invoice", "act", "receipt", "gift_certificate",
                  "registration_card", "statement", "reconciliation", "course_certificate")
DOCUMENT_STATUSES = ("issued", "cancelled")
EMAIL_STATUSES = ("requested", "sending", "sent", "failed")


class DocumentCounter(Model):
    """The last number given in one series (a kind in a year)."""

    __tablename__ = "document_counter"

    kind = Column(String(20), primary_key=True)
    year = Column(Integer, primary_key=True, autoincrement=False)
    last_number = Column(Integer, nullable=False, default=0)


class Document(AuditMixin, Model):
    """One issued document; its subject is a client, an organisation, a payment, a gift
    certificate, a shop sale, a course registration, a course participant or an organisation's
    payment (by kind). ``file_path`` is set once the PDF is built."""

    __tablename__ = "document"
    __table_args__ = (
        UniqueConstraint("kind", "year", "seq", name="uq_document_series"),
        CheckConstraint("status IN ('issued', 'cancelled')", name="ck_document_status"),
        Index("ix_document_client_created", "client_id", "created_on"),
    )

    id = Column(Integer, primary_key=True)
    kind = Column(String(20), nullable=False)
    year = Column(Integer, nullable=False)
    seq = Column(Integer, nullable=False)
    number = Column(String(30), nullable=False, unique=True)
    client_id = Column(Integer, ForeignKey("client.id"))  # indexed with created_on
    client = relationship("Client")
    organisation_id = Column(Integer, ForeignKey("organisation.id"), index=True)
    organisation = relationship("Organisation")
    payment_id = Column(Integer, ForeignKey("payment.id"), index=True)
    payment = relationship("Payment")
    certificate_id = Column(Integer, ForeignKey("gift_certificate.id"), index=True)
    certificate = relationship("GiftCertificate")
    # a shop receipt; an organisation's course registration (its invoice); a certified course
    # participant (their certificate of completion)
    sale_id = Column(Integer, ForeignKey("stock_sale.id"), index=True)
    sale = relationship("Sale")
    course_registration_id = Column(Integer, ForeignKey("course_registration.id"), index=True)
    course_registration = relationship("CourseRegistration")
    course_participant_id = Column(Integer, ForeignKey("course_participant.id"), index=True)
    course_participant = relationship("CourseParticipant")
    # the receipt of an organisation's payment (courses)
    organisation_payment_id = Column(Integer, ForeignKey("organisation_payment.id"), index=True)
    organisation_payment = relationship("OrganisationPayment")
    # the participant ids an automatic registration invoice bills (those added by that
    # registration); None bills every participant of the registration
    items = Column(JSON)
    period_start = Column(Date)
    period_end = Column(Date)
    language = Column(String(5), nullable=False, default="en")
    status = Column(String(10), nullable=False, default="issued")
    cancelled_on = Column(DateTime)
    cancel_reason = Column(Text)
    file_path = Column(String(500))
    rendered_on = Column(DateTime)
    # Email on request, sent exactly once: requested -> sending (claimed) -> sent / failed.
    email_to = Column(String(150))
    email_status = Column(String(10))
    email_claim = Column(String(40))
    email_claimed_on = Column(DateTime)
    emailed_on = Column(DateTime)
    email_error = Column(Text)

    def __repr__(self):
        return self.number or ""


class DocumentTemplate(AuditMixin, Model):
    """An Admin's template for one kind and language, used instead of the shipped default."""

    __tablename__ = "document_template"
    __table_args__ = (UniqueConstraint("kind", "language", name="uq_document_template_kind_lang"),)

    id = Column(Integer, primary_key=True)
    kind = Column(String(20), nullable=False)
    language = Column(String(5), nullable=False)
    body = Column(Text, nullable=False)

    def __repr__(self):
        return f"{self.kind} ({self.language})"
