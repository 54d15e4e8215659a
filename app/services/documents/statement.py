"""A client's statement for a period: the opening balance, every pass, visit, charge and payment
of the period in date order, and the closing balance.

Rule. Balances follow the money domain's ledger (charges − payments, cancelled charges left
out; positive = the client owes): the opening balance is the ledger before the first day, the
closing balance is the opening balance plus the period's charges minus its payments, so a
statement ending today equals ``client_balances`` of the client. Passes sold and visits are shown
for information; their money is in the charges (a pass sale, a visit without a pass).
"""
from datetime import datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models.passes import Charge, Pass, Payment, SessionWriteOff
from app.services.documents.kinds import CHARGE_LABELS, METHOD_LABELS
from app.services.money import to_money


def _bounds(start, end):
    return datetime.combine(start, time.min), datetime.combine(end + timedelta(days=1), time.min)


def opening_balance(client_id, start):
    """The client's balance at the start of ``start`` (charges − payments before it)."""
    charged = db.session.scalar(select(func.coalesce(func.sum(Charge.amount), 0)).where(
        Charge.client_id == client_id, Charge.cancelled.is_(False), Charge.charged_on < start))
    paid = db.session.scalar(select(func.coalesce(func.sum(Payment.amount), 0)).where(
        Payment.client_id == client_id, Payment.paid_at < datetime.combine(start, time.min)))
    return to_money(Decimal(charged or 0) - Decimal(paid or 0))


def client_statement(client_id, start, end):
    """{opening, closing, charged, paid, entries}: each entry a dict with ``on`` (date),
    ``kind`` (pass / visit / charge / payment), ``text``, ``charge``, ``payment`` and the running
    ``balance`` after a money entry. A fixed number of queries whatever the period holds."""
    begin, stop = _bounds(start, end)
    opening = opening_balance(client_id, start)
    charges = db.session.scalars(
        select(Charge).options(selectinload(Charge.pass_).selectinload(Pass.plan))
        .where(Charge.client_id == client_id, Charge.cancelled.is_(False),
               Charge.charged_on >= start, Charge.charged_on <= end)).all()
    payments = db.session.scalars(
        select(Payment).where(Payment.client_id == client_id, Payment.paid_at >= begin,
                              Payment.paid_at < stop)).all()
    visits = db.session.scalars(
        select(SessionWriteOff).options(selectinload(SessionWriteOff.service))
        .where(SessionWriteOff.client_id == client_id, SessionWriteOff.cancelled.is_(False),
               SessionWriteOff.at >= begin, SessionWriteOff.at < stop)).all()
    passes = db.session.scalars(
        select(Pass).options(selectinload(Pass.plan))
        .where(Pass.client_id == client_id, Pass.start_date >= start,
               Pass.start_date <= end)).all()

    entries = []
    for p in passes:
        entries.append({"on": p.start_date, "order": (0, p.id), "kind": "pass",
                        "text": f"{p.plan.name} ({p.start_date.isoformat()} – "
                                f"{p.end_date.isoformat()})"})
    for c in charges:
        text = str(CHARGE_LABELS.get(c.kind, c.kind))
        if c.pass_ is not None and c.pass_.plan is not None:
            text = f"{text}: {c.pass_.plan.name}"
        if c.description:
            text = f"{text} — {c.description}"
        entries.append({"on": c.charged_on, "order": (1, c.id), "kind": "charge", "text": text,
                        "charge": to_money(c.amount)})
    for v in visits:
        entries.append({"on": v.at.date(), "order": (2, v.id), "kind": "visit",
                        "text": f"{v.service.name if v.service else ''} {v.at.strftime('%H:%M')}",
                        "at": v.at})
    for pay in payments:
        text = str(METHOD_LABELS.get(pay.method, pay.method))
        if pay.reason:
            text = f"{text} — {pay.reason}"
        entries.append({"on": pay.paid_at.date(), "order": (3, pay.id), "kind": "payment",
                        "text": text, "payment": to_money(pay.amount)})
    entries.sort(key=lambda e: (e["on"], e["order"]))

    balance, charged, paid = opening, Decimal("0.00"), Decimal("0.00")
    for entry in entries:
        if "charge" in entry:
            charged += entry["charge"]
            balance += entry["charge"]
        if "payment" in entry:
            paid += entry["payment"]
            balance -= entry["payment"]
        if entry["kind"] in ("charge", "payment"):
            entry["balance"] = to_money(balance)
        del entry["order"]
    return {"opening": opening, "closing": to_money(balance), "charged": to_money(charged),
            "paid": to_money(paid), "entries": entries, "start": start, "end": end}
