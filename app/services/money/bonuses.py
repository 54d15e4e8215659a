"""Bonus points: accrued as a percentage of money paid, spent as a payment method.

One point is worth one unit of the currency. A client's balance is the sum of their bonus
transactions and never goes below zero. The accrual percentage is the setting
``BONUS_ACCRUAL_PERCENT`` (default 5).
"""
from decimal import ROUND_DOWN, Decimal

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.extensions import db
from app.models.clients import Client
from app.models.passes import BonusTransaction
from app.services.platform import DomainError

CENT = Decimal("0.01")
DEFAULT_ACCRUAL_PERCENT = Decimal("5")
ACCRUING_METHODS = ("cash", "card", "transfer")


class NotEnoughPoints(DomainError):
    pass


def accrual_percent():
    return Decimal(str(current_app.config.get("BONUS_ACCRUAL_PERCENT", DEFAULT_ACCRUAL_PERCENT)))


def _points(amount):
    return (Decimal(amount) * accrual_percent() / 100).quantize(CENT, rounding=ROUND_DOWN)


def bonus_balances(client_ids):
    """Points per client, one grouped query; every requested id is present."""
    ids = list(client_ids)
    result = {cid: Decimal("0.00") for cid in ids}
    if not ids:
        return result
    rows = db.session.execute(
        select(BonusTransaction.client_id, func.sum(BonusTransaction.points))
        .where(BonusTransaction.client_id.in_(ids)).group_by(BonusTransaction.client_id))
    for client_id, total in rows:
        result[client_id] = Decimal(total or 0).quantize(CENT)
    return result


def bonus_balance(client_id):
    return bonus_balances([client_id])[client_id]


def _lock_client(client_id):
    """Serialize point movements of one client (PostgreSQL row lock; SQLite locks on write)."""
    query = select(Client.id).where(Client.id == client_id)
    if db.session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    db.session.execute(query)


def accrue_for_payment(payment):
    """Money paid in cash, card or transfer earns ``BONUS_ACCRUAL_PERCENT`` of it in points."""
    if payment.method not in ACCRUING_METHODS or payment.amount <= 0:
        return None
    points = _points(payment.amount)
    if points <= 0:
        return None
    entry = BonusTransaction(client_id=payment.client_id, points=points, kind="accrual",
                             payment_id=payment.id)
    db.session.add(entry)
    db.session.flush()
    return entry


def spend_points(client_id, points, payment_id=None, note=None):
    """Spend points (as a payment); refused when the client has fewer points."""
    points = Decimal(points).quantize(CENT)
    if points <= 0:
        raise DomainError(_l("The number of points must be positive."), field="amount")
    _lock_client(client_id)
    if bonus_balance(client_id) < points:
        raise NotEnoughPoints(_l("The client does not have enough bonus points."),
                              field="amount")
    entry = BonusTransaction(client_id=client_id, points=-points, kind="spend",
                             payment_id=payment_id, note=note)
    db.session.add(entry)
    db.session.flush()
    return entry


def reverse_for_refund(client_id, refunded_amount, payment_id=None):
    """Money given back takes back the points it earned, never more than the client has."""
    _lock_client(client_id)
    points = min(_points(refunded_amount), bonus_balance(client_id))
    if points <= 0:
        return None
    entry = BonusTransaction(client_id=client_id, points=-points, kind="reversal",
                             payment_id=payment_id)
    db.session.add(entry)
    db.session.flush()
    return entry


def adjust_points(client_id, points, note):
    """A hand correction of points (with a note); the balance may not become negative."""
    points = Decimal(points).quantize(CENT)
    if not (note or "").strip():
        raise DomainError(_l("A reason is required."), field="note")
    _lock_client(client_id)
    if bonus_balance(client_id) + points < 0:
        raise NotEnoughPoints(_l("The client does not have enough bonus points."),
                              field="points")
    entry = BonusTransaction(client_id=client_id, points=points, kind="adjustment",
                             note=note.strip())
    db.session.add(entry)
    db.session.flush()
    return entry


def points_and_recent(client_id, limit=10):
    """(points, latest movements newest first) of one client in one statement: the balance is
    a window sum over all the client's movements, computed before the LIMIT."""
    rows = db.session.execute(
        select(BonusTransaction, func.sum(BonusTransaction.points).over())
        .where(BonusTransaction.client_id == client_id)
        .order_by(BonusTransaction.at.desc(), BonusTransaction.id.desc()).limit(limit)).all()
    points = Decimal(rows[0][1] if rows else 0).quantize(CENT)
    return points, [row[0] for row in rows]
