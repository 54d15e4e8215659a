"""Plans and prices: the time windows a plan may be used in, discounts, the price of a sale
and the checks a plan or a discount must pass before it is saved."""
from datetime import datetime, time
from decimal import ROUND_HALF_UP, Decimal

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.extensions import db
from app.models.passes import TIME_WINDOWS, Discount, Pass
from app.services.money.amounts import check_count, checked_amount
from app.services.platform import Conflict, DomainError

CENT = Decimal("0.01")
DEFAULT_TIME_WINDOWS = {
    "morning": ("06:00", "12:00"),
    "day": ("12:00", "17:00"),
    "evening": ("17:00", "23:00"),
}


def time_windows():
    """The configured windows (``PASS_TIME_WINDOWS``): name -> (start, end) as ``time``."""
    configured = current_app.config.get("PASS_TIME_WINDOWS") or DEFAULT_TIME_WINDOWS
    return {name: (time.fromisoformat(start), time.fromisoformat(end))
            for name, (start, end) in configured.items()}


def windows_at(moment):
    """Names of the windows a moment falls in (start inclusive, end exclusive), plus "any"."""
    at = moment.time() if isinstance(moment, datetime) else moment
    return ["any"] + [name for name, (start, end) in time_windows().items()
                      if start <= at < end]


def window_hours(name):
    """("12:00", "17:00") for a configured window, None for "any" (or an unknown name)."""
    hours = time_windows().get(name)
    return None if hours is None else tuple(t.strftime("%H:%M") for t in hours)


def plan_discount(plan_id):
    """The largest active discount percent on a plan (0 without any)."""
    value = db.session.scalar(select(func.max(Discount.percent)).where(
        Discount.plan_id == plan_id, Discount.active.is_(True)))
    return Decimal(value or 0)


def price_for(plan, client):
    """(discount percent, price): the plan price less the larger of the client's and the
    plan's discount, rounded to cents."""
    percent = max(Decimal(client.discount_percent or 0), plan_discount(plan.id))
    percent = min(percent, Decimal(100))
    price = (Decimal(plan.price) * (Decimal(100) - percent) / 100).quantize(
        CENT, rounding=ROUND_HALF_UP)
    return percent, price


def validate_plan(plan):
    """A plan covers at least one service, has a known time window, positive sessions (or
    unlimited) and validity, a price and limits that are not negative."""
    for field in ("sessions", "validity_days", "freezes_allowed", "freeze_days_allowed",
                  "low_balance_threshold"):
        check_count(getattr(plan, field), field)
    if plan.price is not None:
        plan.price = checked_amount(plan.price, "price")
    if plan.time_window not in TIME_WINDOWS:
        raise DomainError(_l("Unknown time window."), field="time_window")
    if not plan.services:
        raise DomainError(_l("A plan covers at least one service."), field="services")
    if plan.sessions is not None and plan.sessions < 1:
        raise DomainError(_l("Sessions must be positive (or empty for unlimited)."),
                          field="sessions")
    if not plan.validity_days or plan.validity_days < 1:
        raise DomainError(_l("Validity must be at least one day."), field="validity_days")
    if plan.price is None or Decimal(plan.price) < 0:
        raise DomainError(_l("The price cannot be negative."), field="price")
    for field in ("freezes_allowed", "freeze_days_allowed", "low_balance_threshold"):
        if getattr(plan, field) is None:
            setattr(plan, field, 2 if field == "low_balance_threshold" else 0)
        if getattr(plan, field) < 0:
            raise DomainError(_l("This value cannot be negative."), field=field)


def validate_discount(discount):
    """A discount is a percentage between 0 and 100."""
    if discount.percent is not None and not Decimal(discount.percent).is_finite():
        raise DomainError(_l("A discount is between 0 and 100 percent."), field="percent")
    if discount.percent is None or not Decimal(0) <= Decimal(discount.percent) <= Decimal(100):
        raise DomainError(_l("A discount is between 0 and 100 percent."), field="percent")


def ensure_plan_deletable(plan):
    """A plan that passes were sold from is kept (its passes carry their own terms, but their
    history names it): retire it by unticking "active" instead."""
    if db.session.scalar(select(Pass.id).where(Pass.plan_id == plan.id).limit(1)) is not None:
        raise Conflict(_l("Passes were sold from this plan: make it inactive instead of "
                          "deleting it."), field="active")
