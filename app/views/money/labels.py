"""Translated labels of the sales pages, shared by the views, the API and the hand-written pages."""
from flask_babel import lazy_gettext as _l, lazy_pgettext as _p

STATUS_LABELS = {
    "active": _l("Active"), "frozen": _l("Frozen"), "expired": _l("Expired"),
    "used_up": _l("Used up"), "refunded": _p("pass status", "Refunded"),
}
WINDOW_LABELS = {
    "any": _l("Any time"), "morning": _l("Morning"), "day": _l("Day"), "evening": _l("Evening"),
}
METHOD_LABELS = {
    "cash": _l("Cash"), "card": _l("Card"), "transfer": _l("Bank transfer"),
    "bonus": _l("Bonus points"), "certificate": _l("Gift certificate"),
}
PURPOSE_LABELS = {
    "pass": _l("Pass"), "sale": _l("Sale"), "course": _l("Course"), "invoice": _l("Invoice"),
    "certificate": _l("Gift certificate"), "visit": _l("Visit"), "deposit": _l("Deposit"),
}
SCALE_LABELS = {
    "text": _l("Free text"),
    "range": _l("Numbers in a range"),
    "labels": _l("Ordered labels"),
}

LABELS = {
    "name": _l("Name"),
    "single_visit_price": _l("Single visit price"),
    "min_age": _l("Minimum age"),
    "max_age": _l("Maximum age"),
    "mark_scale": _l("Mark scale"),
    "mark_min": _l("Lowest mark"),
    "mark_max": _l("Highest mark"),
    "mark_step": _l("Mark step"),
    "mark_labels": _l("Mark labels"),
    "active": _l("Active"),
    "services": _l("Services"),
    "sessions": _l("Sessions (empty = unlimited)"),
    "validity_days": _l("Validity (days)"),
    "time_window": _l("Time window"),
    "price": _l("Price"),
    "freezes_allowed": _l("Freezes allowed"),
    "freeze_days_allowed": _l("Freeze days allowed"),
    "low_balance_threshold": _l("Low balance threshold"),
    "client": _l("Client"),
    "plan": _l("Plan"),
    "start_date": _l("Start date"),
    "end_date": _l("End date"),
    "sessions_total": _l("Sessions"),
    "sessions_used": _l("Sessions used"),
    "sessions_left": _l("Sessions left"),
    "list_price": _l("List price"),
    "discount_percent": _l("Discount (percent)"),
    "price_paid": _l("Price after discount"),
    "status": _l("Status"),
    "refunded_on": _l("Refunded on"),
    "refund_reason": _l("Refund reason"),
    "amount": _l("Amount"),
    "method": _l("Method"),
    "purpose": _l("Purpose"),
    "pass_": _l("Pass"),
    "taken_by": _l("Taken by"),
    "paid_at": _l("Paid at"),
    "reason": _l("Reason"),
    "percent": _l("Percent"),
    "code": _l("Code"),
    "initial_amount": _l("Initial amount"),
    "balance": _l("Balance"),
    "buyer": _l("Bought by"),
    "valid_until": _l("Valid until"),
    "created_by": _l("Created by"),
    "created_on": _l("Created on"),
    "changed_by": _l("Changed by"),
    "changed_on": _l("Changed on"),
}
