"""Translated labels of the courses domain's columns and choices."""
from flask_babel import lazy_gettext as _l, lazy_pgettext as _p

LABELS = {
    "title": _l("Title"), "direction": _l("Direction"), "starts_on": _l("Starts"),
    "ends_on": _l("Ends"), "target_audience": _l("Target audience"),
    "description": _l("Description"), "instructor": _l("Instructor"),
    "manager": _l("Responsible manager"), "service": _l("Timetable activity"),
    "price_per_participant": _l("Price per participant"),
    "price_per_organisation": _l("Price per participant sent by an organisation"),
    "min_participants": _l("Minimum participants"), "max_participants": _l("Maximum participants"),
    "planned_participants": _l("Planned participants"),
    "certificate_series": _l("Certificate series"),
    "certificate_last_number": _l("Last certificate number"),
    "programme_filename": _l("Programme"), "cancelled": _l("Cancelled"), "name": _l("Name"),
    "course": _l("Course"), "kind": _l("Planned or actual"), "basis": _l("Basis"),
    "amount": _l("Amount"), "organisation": _l("Organisation"), "paid_on": _l("Paid on"),
    "method": _l("Method"), "note": _l("Note"),
}
PAYMENT_TYPE_LABELS = {
    "paid": _p("payment terms", "Paid"), "guarantee": _l("Guarantee letter"), "later": _l("Pay later"),
    "free": _l("Free"),
}
RESULT_LABELS = {"passed": _l("Passed"), "failed": _l("Failed")}
ORGANISATION_METHOD_LABELS = {"transfer": _l("Bank transfer"), "cash": _l("Cash"),
                              "card": _l("Card")}
COST_KIND_LABELS = {"planned": _l("Planned"), "actual": _l("Actual")}
COST_BASIS_LABELS = {"fixed": _l("Fixed"), "per_participant": _l("Per participant")}
PERIOD_LABELS = {"upcoming": _l("Upcoming"), "current": _l("Current"), "past": _l("Past")}
CALL_RESULT_LABELS = {
    "no_answer": _l("No answer"), "call_back": _l("Asked to call back"),
    "thinking": _l("Thinking it over"), "accepted": _l("Accepted the invitation"),
    "declined": _l("Declined"),
}
INVITATION_STATUS_LABELS = {"sent": _l("Invited"), "accepted": _l("Accepted"),
                            "declined": _l("Declined")}
COST_SOURCE_LABELS = {"typed": _l("Entered by hand"), "payroll": _l("Pay rules (payroll)"),
                      "stock": _l("Stock")}
