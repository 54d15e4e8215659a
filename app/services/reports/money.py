"""Money reports: revenue received, debts with their age, passes running out."""
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l, lazy_pgettext as _p
from sqlalchemy import and_, case, exists, func, or_, select

from app.models.clients import Client
from app.models.passes import (LIVE_STATUSES, PAYMENT_METHODS, PAYMENT_PURPOSES, Pass,
                               PassPlan, Payment, pass_plan_service)
from app.services.reports.registry import (DATE, DAYS, INT, MONEY, ON_PARAM, SERVICE_PARAM, TEXT,
                                           Col, Param, Report, period_bounds, period_params,
                                           register)
from app.services.money import debt_subqueries
from app.services.reports.sql import client_name, money_sum, month_label, month_of, year_of


METHOD_LABELS = {"cash": _l("cash"), "card": _l("card"), "transfer": _l("bank transfer"),
                 "bonus": _l("bonus points"), "certificate": _l("gift certificate")}
PURPOSE_LABELS = {"pass": _l("pass"), "sale": _l("sale"), "course": _l("course"),
                  "invoice": _l("invoice"), "certificate": _l("gift certificate"),
                  "visit": _l("visit"), "deposit": _l("deposit")}


# --- revenue ----------------------------------------------------------------------------------

def revenue_query(params):
    """Money received per month, purpose and method: payments, refunds (negative payments) and
    the net amount."""
    lower, upper = period_bounds(params)
    year, month = year_of(Payment.paid_at), month_of(Payment.paid_at)
    return (
        select(year.label("year"), month.label("month_no"),
               Payment.purpose.label("purpose"), Payment.method.label("method"),
               func.sum(case((Payment.amount > 0, 1), else_=0)).label("payments"),
               money_sum(case((Payment.amount > 0, Payment.amount), else_=0)).label("received"),
               money_sum(case((Payment.amount < 0, -Payment.amount), else_=0)).label("refunded"),
               money_sum(Payment.amount).label("net"))
        .where(Payment.paid_at >= lower, Payment.paid_at < upper)
        .group_by(year, month, Payment.purpose, Payment.method)
        .order_by(year, month, Payment.purpose, Payment.method)
    )


register(Report(
    name="revenue",
    title=_l("Revenue"),
    description=_l("Money received per month, purpose and payment method, with refunds."),
    params=period_params(),
    columns=(
        Col("month", _l("Month"), TEXT, 10),
        Col("purpose", _l("Purpose"), TEXT, 16),
        Col("method", _l("Method"), TEXT, 16),
        Col("payments", _l("Payments"), INT),
        Col("received", _l("Received"), MONEY),
        Col("refunded", _p("money", "Refunded"), MONEY),
        Col("net", _l("Net"), MONEY),
    ),
    query=revenue_query,
    convert=lambda row, params: month_label(row),
    labels={"purpose": PURPOSE_LABELS, "method": METHOD_LABELS},
    summary=("payments", "received", "refunded", "net"),
))


# --- debts ------------------------------------------------------------------------------------

AGE_BUCKETS = ((30, _l("up to 30 days")), (60, _l("31–60 days")), (90, _l("61–90 days")))
OLDER = _l("over 90 days")


def debts_query(params):
    """Clients whose balance (charges − payments) is positive, with the date of the oldest
    charge not yet covered (payments pay the oldest charges first), oldest debt first."""
    balances, since = debt_subqueries()
    query = (select(client_name().label("client"), Client.phone.label("phone"),
                    Client.id.label("client_id"), balances.c.balance.label("balance"),
                    since.c.since.label("since"))
             .select_from(balances)
             .join(Client, Client.id == balances.c.client_id)
             .outerjoin(since, since.c.client_id == balances.c.client_id)
             .order_by(since.c.since.asc(), client_name(), Client.id))
    if params.get("min_days"):
        on = params.get("on") or date.today()
        query = query.where(since.c.since <= on - timedelta(days=params["min_days"]))
    return query


def _debt_age(row, params):
    since, on = row["since"], params.get("on") or date.today()
    days = (on - since).days if since else 0
    row["days"] = days
    row["age"] = next((str(label) for limit, label in AGE_BUCKETS if days <= limit), str(OLDER))
    return row


register(Report(
    name="debts",
    title=_l("Debts"),
    description=_l("Clients who owe money, how much and since when, oldest first."),
    params=(Param("min_days", _l("Owed for at least (days)"), DAYS, default=0), ON_PARAM),
    columns=(
        Col("client", _l("Client"), TEXT, 28),
        Col("phone", _l("Phone"), TEXT, 18),
        Col("balance", _l("Owes"), MONEY),
        Col("since", _l("Owed since"), DATE, 12),
        Col("days", _l("Days"), INT, 8),
        Col("age", _l("Age"), TEXT, 16),
    ),
    query=debts_query,
    convert=_debt_age,
    summary=("balance",),
))


# --- passes running out -----------------------------------------------------------------------

def passes_running_out_query(params):
    """Live passes that end within ``days`` days or have no more sessions left than their
    plan's low-balance threshold (and have not ended yet)."""
    today = params.get("on") or date.today()
    horizon = today + timedelta(days=params.get("days") or 0)
    left = Pass.sessions_total - Pass.sessions_used
    query = (
        select(client_name().label("client"), Client.phone.label("phone"),
               Pass.id.label("pass_id"), PassPlan.name.label("plan"),
               Pass.start_date.label("start_date"),
               Pass.end_date.label("end_date"),
               case((Pass.sessions_total.is_(None), None), else_=left).label("sessions_left"))
        .select_from(Pass)
        .join(Client, Client.id == Pass.client_id)
        .join(PassPlan, PassPlan.id == Pass.plan_id)
        .where(Pass.status.in_(LIVE_STATUSES), Pass.end_date >= today,
               or_(Pass.end_date <= horizon,
                   and_(Pass.sessions_total.isnot(None), left <= PassPlan.low_balance_threshold)))
        .order_by(Pass.end_date, client_name(), Pass.id)
    )
    if params.get("service_id"):
        query = query.where(exists().where(
            pass_plan_service.c.pass_plan_id == Pass.plan_id,
            pass_plan_service.c.service_id == params["service_id"]))
    return query


def _days_left(row, params):
    on = params.get("on") or date.today()
    row["days_left"] = (row["end_date"] - on).days if row["end_date"] else None
    return row


register(Report(
    name="passes_running_out",
    title=_l("Passes running out"),
    description=_l("Live passes ending soon or with few sessions left: whom to offer a renewal."),
    params=(Param("days", _l("Ending within (days)"), DAYS, default=7), SERVICE_PARAM, ON_PARAM),
    columns=(
        Col("client", _l("Client"), TEXT, 28),
        Col("phone", _l("Phone"), TEXT, 18),
        Col("plan", _l("Pass plan"), TEXT, 22),
        Col("start_date", _l("Start"), DATE, 12),
        Col("end_date", _l("End"), DATE, 12),
        Col("days_left", _l("Days left"), INT, 10),
        Col("sessions_left", _l("Sessions left"), INT, 10),
    ),
    query=passes_running_out_query,
    convert=_days_left,
))

__all__ = ["revenue_query", "debts_query", "passes_running_out_query", "PAYMENT_METHODS",
           "PAYMENT_PURPOSES"]
