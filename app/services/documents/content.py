"""What a document shows: plain values (never model objects) handed to its template, so an
Admin's template can read the data and nothing else.

Rule. Numbers a template prints as they are (course hours, a discount) are already written
as the document's language writes them ("7,5" in Russian); amounts and dates go through the
``money``/``fdate`` filters, other numbers through ``fnumber``. Every document carries its number, kind, date and the centre's requisites from the
settings (``CENTRE_*``); the rest depends on its kind (see ``kinds``). A cancelled document
keeps its content and shows it is cancelled.
"""
import os
from datetime import date, datetime
from decimal import Decimal

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app import formatting
from app.extensions import db
from app.models.clients import Client
from app.models.courses import CourseParticipant
from app.models.passes import Charge, Pass, SessionWriteOff
from app.models.stock import SaleLine
from app.services.courses import course_hours
from app.services.documents.kinds import (KIND_LABELS, METHOD_LABELS, PURPOSE_LABELS,
                                          RESULT_LABELS)
from app.services.documents.statement import _bounds, client_statement
from app.services.money import client_balances, to_money


def static_folder():
    return current_app.static_folder


def centre_requisites():
    """The centre's name, address, tax id, bank details, contacts, logo and signature line."""
    config = current_app.config
    logo = (config.get("CENTRE_LOGO") or "").strip().lstrip("/")
    logo_url = None
    if logo:
        root = os.path.realpath(static_folder())
        path = os.path.realpath(os.path.join(root, logo))
        if path.startswith(root + os.sep) and os.path.isfile(path):
            logo_url = "file://" + path
    return {
        "name": config.get("CENTRE_NAME") or "",
        "legal_name": config.get("CENTRE_LEGAL_NAME") or config.get("CENTRE_NAME") or "",
        "address": config.get("CENTRE_ADDRESS") or "",
        "tax_id": config.get("CENTRE_TAX_ID") or "",
        "bank_details": config.get("CENTRE_BANK_DETAILS") or "",
        "phone": config.get("CENTRE_PHONE") or "",
        "email": config.get("CENTRE_EMAIL") or "",
        "logo_url": logo_url,
        "signatory": config.get("CENTRE_SIGNATORY") or "",
    }


def client_values(client):
    if client is None:
        return None
    return {
        "id": client.id, "full_name": client.full_name, "first_name": client.first_name,
        "last_name": client.last_name, "middle_name": client.middle_name or "",
        "birth_date": client.birth_date, "phone": client.phone or "", "email": client.email or "",
        "address": client.address or "", "card_number": client.card_number or "",
        "gender": client.gender or "",
        "organisation": client.organisation.short_name if client.organisation else "",
        "consent_email": client.consent_email, "consent_sms": client.consent_sms,
        "guardians": [{"name": g.full_name, "relation": g.relation or "", "phone": g.phone or "",
                       "email": g.email or ""} for g in client.guardians],
        "since": client.created_on.date() if client.created_on else None,
    }


def organisation_values(organisation):
    if organisation is None:
        return None
    return {
        "id": organisation.id, "short_name": organisation.short_name,
        "full_name": organisation.full_name or organisation.short_name,
        "address": organisation.address or "", "tax_id": organisation.tax_id or "",
        "phone": organisation.phone or "", "email": organisation.email or "",
        "contacts": [{"name": c.full_name, "position": c.position or "", "phone": c.phone or "",
                      "email": c.email or ""} for c in organisation.contacts],
    }


def _payment_values(payment):
    return {
        "id": payment.id, "amount": to_money(payment.amount), "paid_at": payment.paid_at,
        "method": str(METHOD_LABELS.get(payment.method, payment.method)),
        "purpose": str(PURPOSE_LABELS.get(payment.purpose, payment.purpose)),
        "pass": (payment.pass_.plan.name if payment.pass_ is not None and payment.pass_.plan
                 else ""),
        "taken_by": (f"{payment.taken_by.first_name} {payment.taken_by.last_name}"
                     if payment.taken_by else ""),
        "reason": payment.reason or "",
    }


def _organisation_payment_values(payment):
    """An organisation's payment as a receipt shows it: the payment fields of a client's one
    (``paid_at`` only when it was recorded on the day it was paid, else ``paid_on``)."""
    created = payment.created_on
    return {
        "id": payment.id, "amount": to_money(payment.amount),
        "paid_at": created if created is not None and created.date() == payment.paid_on else None,
        "paid_on": payment.paid_on,
        "method": str(METHOD_LABELS.get(payment.method, payment.method)),
        "purpose": str(PURPOSE_LABELS["course"]),
        "pass": payment.course.title if payment.course is not None else "",
        "taken_by": (f"{payment.taken_by.first_name} {payment.taken_by.last_name}"
                     if payment.taken_by else ""),
        "reason": payment.note or "",
    }


def _certificate_values(certificate):
    return {"code": certificate.code, "amount": to_money(certificate.initial_amount),
            "balance": to_money(certificate.balance), "valid_until": certificate.valid_until,
            "buyer": certificate.buyer.full_name if certificate.buyer else ""}


def _sale_values(sale):
    """A shop receipt: its product and pass lines, totals and payments by method."""
    lines = db.session.scalars(
        select(SaleLine).options(selectinload(SaleLine.product),
                                 selectinload(SaleLine.pass_).selectinload(Pass.plan))
        .where(SaleLine.sale_id == sale.id).order_by(SaleLine.id)).all()
    return {
        "id": sale.id, "sold_at": sale.sold_at, "subtotal": to_money(sale.subtotal),
        "discount_percent": (formatting.number(sale.discount_percent)
                             if sale.discount_percent else ""),
        "total": to_money(sale.total),
        "paid": to_money(sale.paid), "returned": sale.status == "returned",
        "lines": [{"text": (line.product.name if line.product is not None
                            else line.pass_.plan.name if line.pass_ is not None else ""),
                   "quantity": line.quantity, "unit_price": to_money(line.unit_price),
                   "amount": to_money(line.amount)} for line in lines],
        "payments": [{"method": str(METHOD_LABELS.get(p.method, p.method)),
                      "amount": to_money(p.amount)} for p in sale.payments],
    }


def _course_values(course):
    return {"title": course.title, "starts_on": course.starts_on, "ends_on": course.ends_on,
            "direction": course.direction.name if course.direction else "",
            "instructor": course.instructor.full_name if course.instructor else ""}


def _registration_lines(document):
    """An organisation's course registration: one line per participant billed (those the
    automatic invoice names, else every participant), priced as the courses domain set."""
    registration = document.course_registration
    query = (select(CourseParticipant).options(selectinload(CourseParticipant.client))
             .where(CourseParticipant.registration_id == registration.id)
             .order_by(CourseParticipant.id))
    if document.items:
        query = query.where(CourseParticipant.id.in_([int(i) for i in document.items]))
    return [{"on": registration.registered_on,
             "text": f"{registration.course.title}: {p.client.full_name}",
             "amount": to_money(p.price)} for p in db.session.scalars(query)]


def _participant_values(participant):
    return {"full_name": participant.client.full_name,
            "result": str(RESULT_LABELS.get(participant.result, participant.result or "")),
            "grade": participant.grade or "", "certificate_number": participant.certificate_number,
            "certified_on": participant.certified_on}


def _charge_lines(client_id, start, end):
    charges = db.session.scalars(
        select(Charge).options(selectinload(Charge.pass_).selectinload(Pass.plan))
        .where(Charge.client_id == client_id, Charge.cancelled.is_(False),
               Charge.charged_on >= start, Charge.charged_on <= end)
        .order_by(Charge.charged_on, Charge.id)).all()
    lines = []
    for charge in charges:
        text = charge.description or (charge.pass_.plan.name if charge.pass_ is not None
                                      and charge.pass_.plan else "")
        lines.append({"on": charge.charged_on, "text": text,
                      "kind": charge.kind, "amount": to_money(charge.amount)})
    return lines


def _visit_lines(client_id, start, end):
    begin, stop = _bounds(start, end)
    visits = db.session.scalars(
        select(SessionWriteOff).options(selectinload(SessionWriteOff.service))
        .where(SessionWriteOff.client_id == client_id, SessionWriteOff.cancelled.is_(False),
               SessionWriteOff.at >= begin, SessionWriteOff.at < stop)
        .order_by(SessionWriteOff.at, SessionWriteOff.id)).all()
    return [{"on": v.at.date(), "at": v.at, "text": v.service.name if v.service else "",
             "amount": to_money(v.value)} for v in visits]


def _total(lines):
    return to_money(sum((line["amount"] for line in lines), Decimal("0")))


def _people(organisation_id):
    people = db.session.scalars(select(Client).where(Client.organisation_id == organisation_id)
                                .order_by(Client.last_name, Client.first_name, Client.id)).all()
    balances = client_balances([p.id for p in people])
    return [{"full_name": p.full_name, "phone": p.phone or "", "email": p.email or "",
             "balance": balances[p.id]} for p in people]


def document_values(document):
    """The template variables of a document (see the module's rule)."""
    values = {
        "doc": {"number": document.number, "kind": document.kind,
                "title": str(KIND_LABELS[document.kind]),
                "issued_on": (document.created_on or datetime.now()).date(),
                "period_start": document.period_start, "period_end": document.period_end,
                "cancelled": document.status == "cancelled", "language": document.language},
        "centre": centre_requisites(),
        "currency": current_app.config.get("CURRENCY", "EUR"),
        "today": date.today(),
        "client": client_values(document.client),
        "organisation": organisation_values(document.organisation),
        "payment": None, "certificate": None, "lines": [], "total": None,
        "sale": None, "course": None, "participant": None,
    }
    kind, start, end = document.kind, document.period_start, document.period_end
    if document.payment is not None:
        values["payment"] = _payment_values(document.payment)
        values["client"] = client_values(document.payment.client)
        values["total"] = values["payment"]["amount"]
    if document.organisation_payment is not None:
        values["payment"] = _organisation_payment_values(document.organisation_payment)
        values["total"] = values["payment"]["amount"]
    if document.certificate is not None:
        values["certificate"] = _certificate_values(document.certificate)
        values["total"] = values["certificate"]["amount"]
    if document.sale is not None:
        values["sale"] = _sale_values(document.sale)
        values["total"] = values["sale"]["total"]
    if document.course_participant is not None:
        participant = document.course_participant
        values["course"] = _course_values(participant.course)
        hours = course_hours(participant.course)
        values["course"]["hours"] = formatting.number(hours) if hours else ""
        values["participant"] = _participant_values(participant)
    if kind == "invoice" and document.course_registration is not None:
        values["course"] = _course_values(document.course_registration.course)
        values["lines"] = _registration_lines(document)
        values["total"] = _total(values["lines"])
        values["balance_due"] = values["total"]
    elif kind == "invoice":
        values["lines"] = _charge_lines(document.client_id, start, end)
        values["total"] = _total(values["lines"])
        values["balance_due"] = client_balances([document.client_id])[document.client_id]
    elif kind == "act":
        values["lines"] = _visit_lines(document.client_id, start, end)
        values["total"] = _total(values["lines"])
    elif kind == "statement":
        values["statement"] = client_statement(document.client_id, start, end)
        values["total"] = values["statement"]["closing"]
    elif kind == "reconciliation":
        values["people"] = _people(document.organisation_id)
    elif kind == "contract" and document.client is not None:
        passes = db.session.scalars(
            select(Pass).options(selectinload(Pass.plan)).where(
                Pass.client_id == document.client_id, Pass.status.in_(("active", "frozen")))
            .order_by(Pass.start_date, Pass.id)).all()
        values["lines"] = [{"text": p.plan.name, "start": p.start_date, "end": p.end_date,
                            "sessions": p.sessions_total, "amount": to_money(p.price_paid)}
                           for p in passes]
        values["total"] = _total(values["lines"])
    return values
