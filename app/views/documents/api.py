"""REST API for documents: issue one (its PDF is built by a job followed at /api/v1/job/<id>),
read one, download its PDF, cancel it, send it by email."""
import os

from flask import g, send_file, url_for
from flask_appbuilder.api import BaseApi, expose, protect
from flask_babel import lazy_gettext as _l

from app.jobs.documents import start_email, start_pdf
from app.services.documents import issue_document
from app.services.documents.emailing import request_email
from app.services.documents.issuing import cancel_document, document_file, get_document
from app.services.platform import DomainError

SUBJECT_TYPES = ("client", "organisation", "payment", "certificate", "sale", "registration",
                 "participant")
from app.views.platform.api_support import api_action, iso, json_body, json_date, json_int


def document_json(document):
    return {
        "id": document.id, "kind": document.kind, "number": document.number,
        "year": document.year, "status": document.status, "language": document.language,
        "client_id": document.client_id, "organisation_id": document.organisation_id,
        "payment_id": document.payment_id, "certificate_id": document.certificate_id,
        "sale_id": document.sale_id, "registration_id": document.course_registration_id,
        "participant_id": document.course_participant_id,
        "organisation_payment_id": document.organisation_payment_id,
        "period_start": iso(document.period_start), "period_end": iso(document.period_end),
        "created_on": iso(document.created_on), "created_by_id": document.created_by_fk,
        "cancelled_on": iso(document.cancelled_on), "cancel_reason": document.cancel_reason,
        "email_status": document.email_status, "email_to": document.email_to,
        "emailed_on": iso(document.emailed_on),
        "pdf_url": (url_for("DocumentApi.pdf", pk=document.id)
                    if document.file_path and os.path.isfile(document.file_path) else None),
    }


def _flatten(payload):
    """Also accept ``"subject": {"type": "client", "id": 12}`` and ``"period": {"start": …,
    "end": …}`` for the flat ``client_id`` / ``period_start`` / ``period_end`` fields."""
    payload = dict(payload)
    subject = payload.pop("subject", None)
    if subject is not None:
        if not isinstance(subject, dict) or subject.get("type") not in SUBJECT_TYPES:
            raise DomainError(_l("subject must be an object like {\"type\": \"client\", "
                                 "\"id\": 12}."), field="subject")
        payload[f"{subject['type']}_id"] = subject.get("id")
    period = payload.pop("period", None)
    if period is not None:
        if not isinstance(period, dict):
            raise DomainError(_l("period must be an object like {\"start\": \"2026-01-01\", "
                                 "\"end\": \"2026-01-31\"}."), field="period")
        payload["period_start"] = period.get("start")
        payload["period_end"] = period.get("end")
    return payload


class DocumentApi(BaseApi):
    resource_name = "document"
    class_permission_name = "Document"
    method_permission_name = {"issue": "write", "get": "read", "pdf": "read",
                              "cancel": "cancel", "send": "send"}
    allow_browser_login = True
    openapi_spec_tag = "Documents"

    @expose("/", methods=["POST"])
    @protect()
    @api_action(202)
    def issue(self):
        """Issue a document; its PDF is built by a job (follow ``status_url``).
        ---
        post:
          requestBody:
            content:
              application/json:
                schema:
                  type: object
                  properties:
                    kind: {type: string, enum: [contract, invoice, act, receipt,
                           gift_certificate, registration_card, statement, reconciliation,
                           course_certificate]}
                    client_id: {type: integer}
                    organisation_id: {type: integer}
                    payment_id: {type: integer}
                    certificate_id: {type: integer}
                    sale_id: {type: integer, description: "a shop sale (receipt)"}
                    registration_id: {type: integer, description: "an organisation's course registration (invoice)"}
                    participant_id: {type: integer, description: "a certified course participant (course_certificate)"}
                    organisation_payment_id: {type: integer, description: "an organisation's payment (receipt)"}
                    subject: {type: object, description: 'or {"type": "client", "id": 12}'}
                    period: {type: object, description: 'or {"start": …, "end": …}'}
                    period_start: {type: string, format: date}
                    period_end: {type: string, format: date}
                    language: {type: string, enum: [en, ru, fr, uk, hy]}
          responses:
            202: {description: "job id, the document and where to follow the job"}
            400: {description: "refused (message, field)"}
            404: {description: "no such subject"}
        """
        payload = _flatten(json_body())
        kind = payload.get("kind")
        document = issue_document(
            kind if isinstance(kind, str) else "",
            client_id=json_int(payload, "client_id", required=False),
            organisation_id=json_int(payload, "organisation_id", required=False),
            payment_id=json_int(payload, "payment_id", required=False),
            certificate_id=json_int(payload, "certificate_id", required=False),
            sale_id=json_int(payload, "sale_id", required=False),
            registration_id=json_int(payload, "registration_id", required=False),
            participant_id=json_int(payload, "participant_id", required=False),
            organisation_payment_id=json_int(payload, "organisation_payment_id",
                                             required=False),
            period_start=json_date(payload, "period_start", required=False),
            period_end=json_date(payload, "period_end", required=False),
            language=payload.get("language") or None)
        job = start_pdf(document.id, g.user.id)
        document = get_document(document.id)
        return {"id": job.id, "status_url": url_for("JobApi.status", job_id=job.id),
                "document": document_json(document)}

    @expose("/<int:pk>", methods=["GET"])
    @protect()
    @api_action()
    def get(self, pk):
        """One document.
        ---
        get:
          parameters:
          - {in: path, name: pk, schema: {type: integer}}
          responses:
            200: {description: "the document, with pdf_url once printed"}
            404: {description: "no such document"}
        """
        return {"result": document_json(get_document(pk))}

    @expose("/<int:pk>/pdf", methods=["GET"])
    @protect()
    @api_action()
    def pdf(self, pk):
        """The document's PDF.
        ---
        get:
          parameters:
          - {in: path, name: pk, schema: {type: integer}}
          responses:
            200: {description: "the PDF"}
            404: {description: "no such document, or not printed yet"}
        """
        path = document_file(pk)
        return send_file(path, mimetype="application/pdf", as_attachment=True,
                         download_name=f"{get_document(pk).number}.pdf")

    @expose("/<int:pk>/cancel", methods=["POST"])
    @protect()
    @api_action()
    def cancel(self, pk):
        """Cancel a document (it keeps its number); the PDF is printed again, marked cancelled.
        ---
        post:
          parameters:
          - {in: path, name: pk, schema: {type: integer}}
          requestBody:
            content:
              application/json:
                schema: {type: object, properties: {reason: {type: string}}}
          responses:
            200: {description: "the document"}
            400: {description: "no reason"}
            409: {description: "already cancelled"}
        """
        payload = json_body()
        cancel_document(pk, payload.get("reason") if isinstance(payload.get("reason"), str)
                        else None)
        job = start_pdf(pk, g.user.id)
        return {"result": document_json(get_document(pk)), "job_id": job.id}

    @expose("/<int:pk>/send", methods=["POST"])
    @protect()
    @api_action(202)
    def send(self, pk):
        """Send the document by email, once (to ``email``, else the client's address).
        ---
        post:
          parameters:
          - {in: path, name: pk, schema: {type: integer}}
          requestBody:
            content:
              application/json:
                schema: {type: object, properties: {email: {type: string}}}
          responses:
            202: {description: "job id"}
            400: {description: "no address"}
            409: {description: "already sent, or cancelled"}
        """
        payload = json_body(optional=True)
        email = payload.get("email")
        request_email(pk, email if isinstance(email, str) else None)
        job = start_email(pk, g.user.id)
        return {"id": job.id, "status_url": url_for("JobApi.status", job_id=job.id)}


def register(appbuilder):
    appbuilder.add_api(DocumentApi)
