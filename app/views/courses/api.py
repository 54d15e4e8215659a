"""REST API for courses: the course directory (read and write, through the course rules), its
registrations, registering people, certifying one participant and the economics; an
organisation's balance and its payments (under money's payment rules)."""
from flask import g
from flask_appbuilder.api import BaseApi, expose, protect
from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.models.courses import Course, CourseInvitation
from app.services.courses import (catalogue, certificates, economics, invitations, organisations,
                                  registrations)
from app.services.platform import DomainError, NotFound
from app.views.platform.api_support import (DomainErrorsApiMixin, api_action, idempotent, iso,
                                            json_body, json_date, json_decimal, json_int,
                                            json_str, money_json)
from app.views.platform.base import API_ACTIONS, TesseraModelApi
from app.views.platform.eager import EagerInterface


def participant_json(participant):
    registration = participant.registration
    return {"id": participant.id, "client_id": participant.client_id,
            "full_name": participant.client.full_name if participant.client else None,
            "registration_id": participant.registration_id,
            "organisation_id": registration.organisation_id,
            "payment_type": participant.payment_type, "price": money_json(participant.price),
            "result": participant.result, "grade": participant.grade,
            "certificate_number": participant.certificate_number,
            "certified_on": iso(participant.certified_on)}


class CourseApi(DomainErrorsApiMixin, TesseraModelApi):
    resource_name = "course"
    datamodel = EagerInterface(Course)
    class_permission_name = "Course"
    method_permission_name = {**API_ACTIONS, "registrations": "read", "register": "register",
                              "certify": "certify", "economics": "read", "answer": "register"}
    openapi_spec_tag = "Courses"
    list_columns = ["id", "title", "direction_id", "direction.name", "starts_on", "ends_on",
                    "target_audience", "instructor_id", "instructor.full_name",
                    "instructor.titles", "instructor.phone", "price_per_participant",
                    "price_per_organisation", "min_participants", "max_participants",
                    "certificate_series", "cancelled"]
    show_columns = list_columns + ["description", "manager_id", "service_id",
                                   "planned_participants", "certificate_last_number",
                                   "programme_filename"]
    add_columns = edit_columns = [
        "title", "direction", "starts_on", "ends_on", "target_audience", "description",
        "instructor", "manager", "service", "price_per_participant", "price_per_organisation",
        "min_participants", "max_participants", "planned_participants", "certificate_series",
        "cancelled"]
    search_columns = ["title", "direction", "starts_on", "ends_on", "instructor", "cancelled"]

    def pre_add(self, item):
        catalogue.validate_course(item)

    def pre_update(self, item):
        catalogue.validate_course(item)
        catalogue.free_cancelled_course_rooms(item)

    @expose("/<int:pk>/registrations", methods=["GET"])
    @protect()
    @api_action()
    def registrations(self, pk):
        """The course's participants, with their organisation, payment type and certificate.
        ---
        get:
          parameters:
          - {in: path, name: pk, schema: {type: integer}}
          responses:
            200: {description: "participants (result)"}
            404: {description: "no such course"}
        """
        catalogue.get_course(pk)
        return {"result": [participant_json(p) for p in registrations.course_participants(pk)]}

    @expose("/<int:pk>/register", methods=["POST"])
    @protect()
    @api_action(201)
    def register(self, pk):
        """Register people: for an organisation (its people, one registration) or private.
        ---
        post:
          parameters:
          - {in: path, name: pk, schema: {type: integer}}
          requestBody:
            content:
              application/json:
                schema:
                  type: object
                  properties:
                    organisation_id: {type: integer}
                    participants:
                      type: array
                      items:
                        type: object
                        properties:
                          client_id: {type: integer}
                          payment_type: {type: string, enum: [paid, guarantee, later, free]}
          responses:
            201: {description: "the participants added"}
            400: {description: "refused by a rule (message, field)"}
            404: {description: "no such course, organisation or client"}
            409: {description: "already registered, or the course is full"}
        """
        payload = json_body()
        people = payload.get("participants")
        if not isinstance(people, list) or not all(isinstance(p, dict) for p in people):
            raise DomainError(_l("%(field)s must be a list of objects.", field="participants"),
                              field="participants")
        for person in people:
            person["client_id"] = json_int(person, "client_id")
        _, added = registrations.register(
            pk, people, organisation_id=json_int(payload, "organisation_id", required=False))
        return {"result": [participant_json(p) for p in added]}

    @expose("/<int:pk>/certify", methods=["POST"])
    @protect()
    @api_action()
    def certify(self, pk):
        """Record a participant's result; a pass gets the next certificate number, once.
        ---
        post:
          parameters:
          - {in: path, name: pk, schema: {type: integer}}
          requestBody:
            content:
              application/json:
                schema:
                  type: object
                  properties:
                    participant_id: {type: integer}
                    result: {type: string, enum: [passed, failed]}
                    grade: {type: string}
          responses:
            200: {description: "the participant with its certificate number"}
            400: {description: "refused by a rule (message, field)"}
            404: {description: "no such course or participant"}
            409: {description: "a certificate was already issued"}
        """
        payload = json_body()
        participant = certificates.certify(pk, json_int(payload, "participant_id"),
                                           payload.get("result") or "passed",
                                           grade=payload.get("grade"))
        return {"result": participant_json(participant)}

    @expose("/<int:pk>/invitations/<int:invitation_id>/answer", methods=["POST"])
    @protect()
    @api_action()
    def answer(self, pk, invitation_id):
        """An invitee's reply: "yes" registers them on the course, exactly once (the course's
        maximum respected); "no" records a refusal.
        ---
        post:
          parameters:
          - {in: path, name: pk, schema: {type: integer}}
          - {in: path, name: invitation_id, schema: {type: integer}}
          requestBody:
            content:
              application/json:
                schema:
                  type: object
                  properties:
                    answer: {type: string, enum: ["yes", "no"]}
          responses:
            200: {description: "the invitation's status and participant"}
            400: {description: "refused (message, field)"}
            404: {description: "no such invitation on this course"}
            409: {description: "the course is full"}
        """
        payload = json_body()
        reply = payload.get("answer")
        if reply not in ("yes", "no"):
            raise DomainError(_l("Answer yes or no."), field="answer")
        invitation = db.session.get(CourseInvitation, invitation_id)
        if invitation is None or invitation.course_id != pk:
            raise NotFound(_l("No such invitation."), field="invitation")
        invitations.answer(invitation.id, reply == "yes")
        return {"result": {"id": invitation.id, "status": invitation.status,
                           "participant_id": invitation.participant_id}}

    @expose("/<int:pk>/economics", methods=["GET"])
    @protect()
    @api_action()
    def economics(self, pk):
        """Planned and actual revenue, cost, cost price, profit, margin % and break-even.
        ---
        get:
          parameters:
          - {in: path, name: pk, schema: {type: integer}}
          responses:
            200: {description: "planned and actual figures (result)"}
            404: {description: "no such course"}
        """
        return {"result": economics.course_economics_with_lines(pk).as_dict()}


class OrganisationBalanceApi(BaseApi):
    """An organisation as a paying client: charges for its registrations, payments, balance."""

    resource_name = "organisation"
    class_permission_name = "OrganisationBalance"
    method_permission_name = {"balance": "read"}
    openapi_spec_tag = "Courses"
    allow_browser_login = True

    @expose("/<int:pk>/balance", methods=["GET"])
    @protect()
    @api_action()
    def balance(self, pk):
        """Charges, payments and balance (charges − payments; positive = owes), per course too.
        ---
        get:
          parameters:
          - {in: path, name: pk, schema: {type: integer}}
          responses:
            200: {description: "the balance and its receivables per course"}
            404: {description: "no such organisation"}
        """
        balance = organisations.organisation_balance(pk)
        per_course = [{"course_id": course.id if course else None,
                       "title": course.title if course else None, **figures.as_dict()}
                      for course, figures in organisations.receivables_by_course(pk)]
        return {"result": {"organisation_id": pk, **balance.as_dict(), "courses": per_course}}


class OrganisationPaymentApi(BaseApi):
    """Money received from an organisation, under money's payment rules (the cashier's open
    shift, the automatic receipt)."""

    resource_name = "organisationpayment"
    class_permission_name = "OrganisationPayment"
    method_permission_name = {"pay": "write"}
    openapi_spec_tag = "Courses"
    allow_browser_login = True

    @expose("/", methods=["POST"])
    @protect()
    @idempotent
    @api_action(status=201)
    def pay(self):
        """Record an organisation's payment, taken by the caller.
        ---
        post:
          requestBody:
            content:
              application/json:
                schema:
                  type: object
                  required: [organisation_id, amount]
                  properties:
                    organisation_id: {type: integer}
                    amount: {type: string, example: "150.00"}
                    course_id: {type: integer}
                    method: {type: string, enum: [transfer, cash, card]}
                    paid_on: {type: string, format: date}
                    note: {type: string}
          responses:
            201: {description: "the payment (result), its cash shift and receipt when issued"}
            400: {description: "refused (message, field)"}
            404: {description: "no such organisation or course"}
            409: {description: "no open cash shift while the setting requires one (field shift)"}
        """
        payload = json_body()
        payment = organisations.record_payment(
            json_int(payload, "organisation_id"), json_decimal(payload, "amount"),
            paid_on=json_date(payload, "paid_on", required=False),
            course_id=json_int(payload, "course_id", required=False),
            method=json_str(payload, "method", required=False, default="transfer", max_length=20),
            note=json_str(payload, "note", required=False, max_length=250),
            taken_by_id=g.user.id)
        return {"result": {"id": payment.id, "organisation_id": payment.organisation_id,
                           "course_id": payment.course_id, "amount": money_json(payment.amount),
                           "method": payment.method, "paid_on": iso(payment.paid_on),
                           "cash_shift_id": payment.cash_shift_id}}
