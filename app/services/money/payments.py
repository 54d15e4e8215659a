"""Payments, charges, balances and the debts list.

A client's balance is ``sum(charges) - sum(payments)`` (cancelled charges excluded): positive
means the client owes money. Balances are always computed in SQL, grouped by client.
"""
from datetime import date, datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, literal, over, select, union_all
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models.clients import Client
from app.models.passes import PAYMENT_METHODS, PAYMENT_PURPOSES, Charge, Payment
from app.services.money import hooks
from app.services.money.amounts import (  # noqa: F401  (part of this API)
    CENT, checked_amount, to_money)
from app.services.money.cash_desk import shift_for_payment
from app.services.platform import DomainError, NotFound


def _client(client_id):
    client = db.session.get(Client, client_id)
    if client is None:
        raise NotFound(_l("No such client."))
    return client


def build_charge(client_id, amount, kind, pass_id=None, write_off_id=None, on=None,
                 description=None):
    """A charge not added to the session yet (so that many go in one INSERT)."""
    return Charge(client_id=client_id, amount=to_money(amount), kind=kind, pass_id=pass_id,
                  write_off_id=write_off_id, charged_on=on or date.today(),
                  description=description)


def add_charge(client_id, amount, kind, pass_id=None, write_off_id=None, on=None,
               description=None):
    """Record that a client owes ``amount`` (negative credits back) for something."""
    charge = build_charge(client_id, amount, kind, pass_id=pass_id, write_off_id=write_off_id,
                          on=on, description=description)
    db.session.add(charge)
    db.session.flush()
    return charge


def take_payment(client_id, amount, method="cash", purpose="pass", pass_id=None,
                 taken_by_id=None, paid_at=None, reason=None, certificate_code=None):
    """Receive money from a client. Bonus points and gift certificates are payment methods
    (spent here, never below zero); money paid in cash, card or transfer accrues bonus points.
    The payment belongs to its cashier's open shift (refused without one when
    ``PAYMENTS_REQUIRE_OPEN_SHIFT`` is on); the ``payment_taken`` listeners run last."""
    from app.services.money import bonuses
    from app.services.money import certificates

    amount = checked_amount(amount, "amount")
    if amount <= 0:
        raise DomainError(_l("A payment must be a positive amount."), field="amount")
    if method not in PAYMENT_METHODS:
        raise DomainError(_l("Unknown payment method."), field="method")
    if purpose not in PAYMENT_PURPOSES:
        raise DomainError(_l("Unknown payment purpose."), field="purpose")
    _client(client_id)
    shift_id = shift_for_payment(taken_by_id)
    payment = Payment(client_id=client_id, amount=amount, method=method, purpose=purpose,
                      pass_id=pass_id, taken_by_fk=taken_by_id, paid_at=paid_at or datetime.now(),
                      reason=reason, cash_shift_id=shift_id)
    db.session.add(payment)
    db.session.flush()
    if method == "bonus":
        bonuses.spend_points(client_id, amount, payment_id=payment.id)
    elif method == "certificate":
        redemption = certificates.redeem_certificate(certificate_code, amount, client_id,
                                                     payment_id=payment.id)
        payment.certificate_id = redemption.certificate_id
    else:
        bonuses.accrue_for_payment(payment)
    hooks.fire(hooks.PAYMENT_TAKEN, payment)
    return payment


def return_money(client_id, amount, reason, method="cash", purpose="pass", pass_id=None,
                 taken_by_id=None):
    """Give money back: a negative payment, which always carries a reason."""
    amount = to_money(amount)
    if amount <= 0:
        raise DomainError(_l("The amount returned must be positive."), field="amount")
    if not (reason or "").strip():
        raise DomainError(_l("A reason is required."), field="reason")
    shift_id = shift_for_payment(taken_by_id)
    payment = Payment(client_id=client_id, amount=-amount, method=method, purpose=purpose,
                      pass_id=pass_id, taken_by_fk=taken_by_id, paid_at=datetime.now(),
                      reason=reason.strip(), cash_shift_id=shift_id)
    db.session.add(payment)
    db.session.flush()
    return payment


def paid_for_pass(pass_id):
    """Net money paid for a pass (payments naming it, refunds included)."""
    total = db.session.scalar(
        select(func.coalesce(func.sum(Payment.amount), 0)).where(Payment.pass_id == pass_id))
    return to_money(total or 0)


def _ledger():
    """One row per money movement: (client_id, amount as owed: charges +, payments -)."""
    charges = select(Charge.client_id.label("client_id"), Charge.amount.label("amount")).where(
        Charge.cancelled.is_(False))
    payments = select(Payment.client_id.label("client_id"),
                      (literal(0) - Payment.amount).label("amount"))
    return union_all(charges, payments).subquery("ledger")


def client_balances(client_ids):
    """Balance per client (charges − payments; positive = debt) in one grouped SQL query;
    every requested id is in the result (zero when nothing happened)."""
    ids = list(client_ids)
    result = {cid: Decimal("0.00") for cid in ids}
    if not ids:
        return result
    ledger = _ledger()
    rows = db.session.execute(
        select(ledger.c.client_id, func.sum(ledger.c.amount))
        .where(ledger.c.client_id.in_(ids))
        .group_by(ledger.c.client_id))
    for client_id, total in rows:
        result[client_id] = to_money(total or 0)
    return result


def client_balance(client_id):
    return client_balances([client_id])[client_id]


def debtor_query(client_ids=None):
    """The SELECT (not run) of the clients whose balance is positive (they owe), optionally
    among ``client_ids`` — ids, or a SELECT of client ids that stays in SQL."""
    ledger = _ledger()
    query = select(ledger.c.client_id).group_by(ledger.c.client_id).having(
        func.sum(ledger.c.amount) >= CENT)
    if client_ids is not None:
        ids = client_ids if isinstance(client_ids, Select) else list(client_ids)
        query = query.where(ledger.c.client_id.in_(ids))
    return query


def debtor_ids(client_ids=None):
    """Clients whose balance is positive (they owe), optionally among ``client_ids`` — ids, or a
    SELECT of client ids that stays in SQL (no bind parameter per client)."""
    if client_ids is not None and not isinstance(client_ids, Select):
        client_ids = list(client_ids)
        if not client_ids:
            return set()
    return set(db.session.scalars(debtor_query(client_ids)))


def debt_subqueries():
    """(balances, since): the clients who owe with their balance, and per client the date of the
    oldest charge not yet covered — payments pay the oldest charges first. Shared by the debts
    list and the debts report so the rule is written once."""
    ledger = _ledger()
    balances = (select(ledger.c.client_id, func.sum(ledger.c.amount).label("balance"))
                .group_by(ledger.c.client_id)
                .having(func.sum(ledger.c.amount) >= CENT)
                .subquery("balances"))
    paid = (select(Payment.client_id, func.sum(Payment.amount).label("paid"))
            .group_by(Payment.client_id).subquery("paid"))
    running = (select(Charge.client_id, Charge.charged_on,
                      over(func.sum(Charge.amount), partition_by=Charge.client_id,
                           order_by=(Charge.charged_on, Charge.id)).label("running"))
               .where(Charge.cancelled.is_(False)).subquery("running"))
    since = (select(running.c.client_id, func.min(running.c.charged_on).label("since"))
             .select_from(running.outerjoin(paid, paid.c.client_id == running.c.client_id))
             .where(running.c.running > func.coalesce(paid.c.paid, 0))
             .group_by(running.c.client_id).subquery("since"))
    return balances, since


def debt_summary():
    """(number of clients who owe, total owed), in one query (the debts list and the home pages)."""
    balances, _since = debt_subqueries()
    count, total = db.session.execute(
        select(func.count(), func.coalesce(func.sum(balances.c.balance), 0))).one()
    return count, to_money(total)


DEBT_ORDERS = ("since", "balance")


def debts(limit=None, offset=0, order="since"):
    """The debts list: clients who owe, with the amount and the date of the oldest charge not
    yet covered by payments (payments pay the oldest charges first), oldest debt first (or the
    largest first with ``order="balance"``). Sorted and cut (``limit``, ``offset``) in SQL, so a
    page costs one query whatever the number of debtors: the rows with the clients' names
    (``name``), not the clients' whole rows."""
    balances, since = debt_subqueries()
    ordering = ((balances.c.balance.desc(), balances.c.client_id) if order == "balance"
                else (since.c.since.asc(), balances.c.client_id))
    query = (select(balances.c.client_id, balances.c.balance, since.c.since, Client.last_name,
                    Client.first_name, Client.middle_name)
             .outerjoin(since, since.c.client_id == balances.c.client_id)
             .outerjoin(Client, Client.id == balances.c.client_id)
             .order_by(*ordering))
    if limit:
        query = query.limit(limit)
    if offset:
        query = query.offset(offset)
    rows = db.session.execute(query).all()
    today = date.today()
    result = []
    for row in rows:
        since_date = row.since
        if isinstance(since_date, str):  # SQLite returns window results untyped
            since_date = date.fromisoformat(since_date)
        result.append({
            "name": " ".join(part for part in (row.last_name, row.first_name, row.middle_name)
                             if part) or str(row.client_id),
            "client_id": row.client_id,
            "balance": to_money(row.balance),
            "since": since_date,
            "days": (today - since_date).days if since_date else 0,
        })
    return result


def client_payments(client_id, limit=50):
    """A client's latest payments, newest first."""
    return list(db.session.scalars(
        select(Payment).where(Payment.client_id == client_id)
        .options(selectinload(Payment.taken_by))
        .order_by(Payment.paid_at.desc(), Payment.id.desc()).limit(limit)))

