"""The kinds of documents: their labels, the subject each one is about and whether it covers a
period. Rule: a contract is about a client or an organisation; an invoice about a client or an
organisation's course registration; an act, a registration card and a statement about a client;
a receipt about a payment, a shop sale or an
organisation's payment (courses); a gift certificate about a certificate; a
reconciliation about an organisation; a certificate of completion about a course participant
(certified: it prints the number the courses domain issued). Invoices, acts, statements and
reconciliations cover a period (this month up to today when none is given)."""
from flask_babel import lazy_gettext as _l

from app.models.documents import DOCUMENT_KINDS  # noqa: F401  (part of this API)

KIND_LABELS = {
    "contract": _l("Contract"),
    "invoice": _l("Invoice"),
    "act": _l("Act of services rendered"),
    "receipt": _l("Receipt"),
    "gift_certificate": _l("Gift certificate"),
    "registration_card": _l("Registration card"),
    "statement": _l("Client statement"),
    "reconciliation": _l("Reconciliation statement"),
    "course_certificate": _l("Certificate of completion"),
}
SUBJECTS = {
    "contract": ("client", "organisation"),
    "invoice": ("client", "registration"),
    "act": ("client",),
    "receipt": ("payment", "sale", "organisation_payment"),
    "gift_certificate": ("certificate",),
    "registration_card": ("client",),
    "statement": ("client",),
    "reconciliation": ("organisation",),
    "course_certificate": ("participant",),
}
SUBJECT_LABELS = {
    "client": _l("Client"),
    "organisation": _l("Organisation"),
    "payment": _l("Payment"),
    "certificate": _l("Gift certificate"),
    "sale": _l("Shop sale"),
    "registration": _l("Course registration"),
    "participant": _l("Course participant"),
    "organisation_payment": _l("Organisation's payment"),
}
# the Document column naming each subject
SUBJECT_COLUMNS = {"client": "client_id", "organisation": "organisation_id",
                   "payment": "payment_id", "certificate": "certificate_id", "sale": "sale_id",
                   "registration": "course_registration_id",
                   "participant": "course_participant_id",
                   "organisation_payment": "organisation_payment_id"}
WITH_PERIOD = {"invoice", "act", "statement", "reconciliation"}
# the kinds a client's card offers to issue directly
CLIENT_KINDS = tuple(kind for kind, subjects in SUBJECTS.items() if "client" in subjects)
METHOD_LABELS = {
    "cash": _l("Cash"), "card": _l("Card"), "transfer": _l("Bank transfer"),
    "bonus": _l("Bonus points"), "certificate": _l("Gift certificate"),
}
PURPOSE_LABELS = {
    "pass": _l("Pass"), "sale": _l("Sale"), "course": _l("Course"), "invoice": _l("Invoice"),
    "certificate": _l("Gift certificate"), "visit": _l("Visit"), "deposit": _l("Deposit"),
}
CHARGE_LABELS = {
    "pass": _l("Pass"), "visit": _l("Visit"), "sale": _l("Sale"), "course": _l("Course"),
    "invoice": _l("Invoice"), "certificate": _l("Gift certificate"), "refund": _l("Refund"),
}
RESULT_LABELS = {"passed": _l("Passed"), "failed": _l("Failed")}
STATUS_LABELS = {"issued": _l("Issued"), "cancelled": _l("Cancelled")}
