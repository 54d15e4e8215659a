"""Figures for the managers' dashboard: one function per chart, each one grouped SQL query,
returning labels and series ready for Chart.js (labels in the user's language)."""
from datetime import date, timedelta

from babel.dates import format_date, get_day_names
from flask_babel import get_locale, gettext as _, lazy_gettext as _l
from sqlalchemy import Date, Integer, case, cast, exists, extract, func, literal, select, union_all

from app.extensions import db
from app.models.clients import Client, ClientSource
from app.models.passes import Charge, Pass, Payment, Service, SessionWriteOff, pass_plan_service
from app.models.timetable import LATE, LESSON_HELD, PRESENT, Attendance, Lesson
from app.services.platform import DomainError
from app.services.reports.registry import period_bounds
from app.services.reports.sql import month_of, year_of

MAX_MONTHS = 36
CHARTS = ("revenue_by_service", "visits_heatmap", "pass_sales", "debts", "new_clients",
          "attendance_rate")


def _locale():
    locale = get_locale()
    return str(locale) if locale else "en"


def default_period(today=None):
    """The last twelve months, this one included."""
    today = today or date.today()
    start = today.replace(day=1)
    for _i in range(11):
        start = (start - timedelta(days=1)).replace(day=1)
    return start, today


def parse_filters(data):
    """Date range and service from a query string; the range defaults to the last 12 months
    and may not exceed three years."""
    default_from, default_to = default_period()
    try:
        date_from = date.fromisoformat(data.get("date_from")) if data.get("date_from") \
            else default_from
        date_to = date.fromisoformat(data.get("date_to")) if data.get("date_to") else default_to
        service_id = int(data["service_id"]) if data.get("service_id") else None
    except (TypeError, ValueError):
        raise DomainError(_l("This value is not valid.")) from None
    if date_from > date_to:
        raise DomainError(_l("The period ends before it starts."), field="date_to")
    if len(months(date_from, date_to)) > MAX_MONTHS:
        raise DomainError(_l("Choose a period of at most three years."), field="date_from")
    return {"date_from": date_from, "date_to": date_to, "service_id": service_id}


def months(date_from, date_to):
    """(year, month) pairs from the month of ``date_from`` to that of ``date_to``."""
    result, year, month = [], date_from.year, date_from.month
    while (year, month) <= (date_to.year, date_to.month):
        result.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return result


def month_labels(pairs):
    locale = _locale()
    return [format_date(date(y, m, 1), "LLL yyyy", locale=locale) for y, m in pairs]


def _by_month(rows, pairs):
    """Series aligned on ``pairs`` from rows of (year, month, value)."""
    values = {(int(y), int(m)): v for y, m, v in rows}
    return [float(values.get(pair, 0) or 0) for pair in pairs]


def revenue_by_service(f):
    """Revenue earned per service and month: the value of the sessions written off."""
    lower, upper = period_bounds(f)
    year, month = year_of(SessionWriteOff.at), month_of(SessionWriteOff.at)
    query = (select(Service.name, year, month, func.sum(SessionWriteOff.value))
             .join(Service, Service.id == SessionWriteOff.service_id)
             .where(SessionWriteOff.cancelled.is_(False), SessionWriteOff.at >= lower,
                    SessionWriteOff.at < upper)
             .group_by(Service.name, year, month).order_by(Service.name))
    if f.get("service_id"):
        query = query.where(SessionWriteOff.service_id == f["service_id"])
    pairs = months(f["date_from"], f["date_to"])
    per_service = {}
    for name, y, m, value in db.session.execute(query):
        per_service.setdefault(name, []).append((y, m, value))
    return {"type": "bar", "stacked": True, "money": True, "labels": month_labels(pairs),
            "datasets": [{"label": name, "data": _by_month(rows, pairs)}
                         for name, rows in per_service.items()]}


def visits_heatmap(f):
    """Visits (sessions written off) per weekday and hour of the day: a 7 × 24 grid,
    Monday first."""
    lower, upper = period_bounds(f)
    dow = cast(extract("dow", SessionWriteOff.at), Integer)
    hour = cast(extract("hour", SessionWriteOff.at), Integer)
    query = (select(dow, hour, func.count(SessionWriteOff.id))
             .where(SessionWriteOff.cancelled.is_(False), SessionWriteOff.at >= lower,
                    SessionWriteOff.at < upper)
             .group_by(dow, hour))
    if f.get("service_id"):
        query = query.where(SessionWriteOff.service_id == f["service_id"])
    grid = [[0] * 24 for _i in range(7)]
    for weekday, hour_, count in db.session.execute(query):
        grid[(int(weekday) + 6) % 7][int(hour_)] = count  # SQL: 0 = Sunday; ours: 0 = Monday
    names = get_day_names("abbreviated", locale=_locale())
    return {"type": "heatmap", "weekdays": [names[i] for i in range(7)],
            "hours": list(range(24)), "cells": grid,
            "max": max(max(row) for row in grid)}


def pass_sales(f):
    """Passes sold per month (by start date): how many and for how much."""
    year, month = year_of(Pass.start_date), month_of(Pass.start_date)
    query = (select(year, month, func.count(Pass.id), func.sum(Pass.price_paid))
             .where(Pass.start_date >= f["date_from"], Pass.start_date <= f["date_to"])
             .group_by(year, month))
    if f.get("service_id"):
        query = query.where(exists().where(pass_plan_service.c.pass_plan_id == Pass.plan_id,
                                           pass_plan_service.c.service_id == f["service_id"]))
    rows = db.session.execute(query).all()
    pairs = months(f["date_from"], f["date_to"])
    return {"type": "bar", "money_axis": "y1", "labels": month_labels(pairs), "datasets": [
        {"label": _("Passes sold"), "data": _by_month([(y, m, n) for y, m, n, _s in rows], pairs),
         "yAxisID": "y"},
        {"label": _("Amount"), "data": _by_month([(y, m, s) for y, m, _n, s in rows], pairs),
         "yAxisID": "y1", "type": "line"},
    ]}


def _next_month(year, month):
    return date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)


def debts_over_time(f):
    """Total owed at the end of each month: per client, charges up to then minus payments up
    to then; the positive balances summed. One query over all month ends."""
    pairs = months(f["date_from"], f["date_to"])
    cutoffs = union_all(*[select(literal(_next_month(y, m), Date).label("cutoff"))
                          for y, m in pairs]).subquery("cutoffs")
    ledger = union_all(
        select(Charge.client_id.label("client_id"), Charge.amount.label("amount"),
               Charge.charged_on.label("day")).where(Charge.cancelled.is_(False)),
        select(Payment.client_id.label("client_id"), (literal(0) - Payment.amount).label("amount"),
               func.date(Payment.paid_at).label("day")),
    ).subquery("ledger")
    per_client = (select(cutoffs.c.cutoff, ledger.c.client_id,
                         func.sum(ledger.c.amount).label("balance"))
                  .select_from(cutoffs).join(ledger, ledger.c.day < cutoffs.c.cutoff)
                  .group_by(cutoffs.c.cutoff, ledger.c.client_id)
                  .having(func.sum(ledger.c.amount) > 0).subquery("per_client"))
    rows = db.session.execute(select(per_client.c.cutoff, func.sum(per_client.c.balance))
                              .group_by(per_client.c.cutoff)).all()
    totals = {}
    for cutoff, total in rows:
        cutoff = cutoff if isinstance(cutoff, date) else date.fromisoformat(str(cutoff)[:10])
        previous = cutoff - timedelta(days=1)
        totals[(previous.year, previous.month)] = total
    return {"type": "line", "money": True, "labels": month_labels(pairs), "datasets": [
        {"label": _("Owed at the end of the month"),
         "data": [float(totals.get(pair, 0) or 0) for pair in pairs], "fill": True}]}


def new_clients(f):
    """New clients of the period per source (those without a source counted together)."""
    lower, upper = period_bounds(f)
    source = func.coalesce(ClientSource.name, "")
    rows = db.session.execute(
        select(source, func.count(Client.id)).select_from(Client)
        .outerjoin(ClientSource, ClientSource.id == Client.source_id)
        .where(Client.created_on >= lower, Client.created_on < upper)
        .group_by(source).order_by(func.count(Client.id).desc())).all()
    return {"type": "doughnut", "labels": [name or _("No source") for name, _n in rows],
            "datasets": [{"label": _("New clients"), "data": [n for _name, n in rows]}]}


def attendance_rate(f):
    """Per month, the share of attendance marks of held lessons that were visits (present or
    late), in percent."""
    lower, upper = period_bounds(f)
    year, month = year_of(Lesson.starts_at), month_of(Lesson.starts_at)
    query = (select(year, month,
                    func.sum(case((Attendance.status.in_((PRESENT, LATE)), 1), else_=0)),
                    func.count(Attendance.id))
             .select_from(Attendance).join(Lesson, Lesson.id == Attendance.lesson_id)
             .where(Lesson.status == LESSON_HELD, Lesson.starts_at >= lower,
                    Lesson.starts_at < upper)
             .group_by(year, month))
    if f.get("service_id"):
        query = query.where(Lesson.service_id == f["service_id"])
    rows = [(y, m, round(came * 100.0 / total, 1) if total else 0)
            for y, m, came, total in db.session.execute(query)]
    pairs = months(f["date_from"], f["date_to"])
    return {"type": "line", "percent": True, "labels": month_labels(pairs), "datasets": [
        {"label": _("Attendance rate, %"), "data": _by_month(rows, pairs)}]}


CHART_FUNCTIONS = {
    "revenue_by_service": revenue_by_service,
    "visits_heatmap": visits_heatmap,
    "pass_sales": pass_sales,
    "debts": debts_over_time,
    "new_clients": new_clients,
    "attendance_rate": attendance_rate,
}


def chart_data(name, filters):
    """The data of one dashboard chart for the parsed filters."""
    function = CHART_FUNCTIONS.get(name)
    if function is None:
        from app.services.platform import NotFound

        raise NotFound(_l("No such chart."))
    return function(filters)


def service_options():
    return db.session.execute(select(Service.id, Service.name).where(Service.active.is_(True))
                              .order_by(Service.name)).all()
