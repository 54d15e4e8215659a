"""The cash desk: shifts, their totals by payment method, and the daily cash report (Z-report).

Rules. A cashier has at most one open shift (a partial unique index, so two clicks open one).
A shift's payments are those its cashier took between its opening and its closing (refunds are
negative payments), and the organisations' payments recorded against it (courses). Closing is once only (a conditional UPDATE on ``closed_at IS NULL``): the
expected cash is the opening float plus the cash taken minus the cash returned, and the
difference is what was counted minus what was expected. Totals are SQL sums grouped by method.
Every payment records the shift open for its cashier (``payment.cash_shift_id``); with the
setting ``PAYMENTS_REQUIRE_OPEN_SHIFT`` on, money is neither taken nor returned without one.
"""
from collections import defaultdict
from datetime import datetime, time, timedelta
from decimal import Decimal

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, or_, select, union_all, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models.cash import CashShift
from app.models.courses import OrganisationPayment
from app.models.passes import PAYMENT_METHODS, Payment
from app.services.money.amounts import to_money
from app.services.platform import Conflict, DomainError, NotFound


def _amount(value, field):
    try:
        amount = to_money(value)
    except (ArithmeticError, TypeError, ValueError):
        raise DomainError(_l("Enter an amount of money."), field=field) from None
    if amount < 0 or not amount.is_finite() or amount >= Decimal("10") ** 10:
        raise DomainError(_l("Enter an amount of money."), field=field)
    return amount


def open_shift(cashier_id, opening_float, now=None):
    """Open the cashier's shift with the cash in the drawer; refused while one is open."""
    amount = _amount(opening_float, "opening_float")
    if current_shift(cashier_id) is not None:
        raise Conflict(_l("Your shift is already open."))
    shift = CashShift(cashier_fk=cashier_id, opening_float=amount, opened_at=now or datetime.now())
    try:
        with db.session.begin_nested():
            db.session.add(shift)
            db.session.flush()
    except IntegrityError:
        raise Conflict(_l("Your shift is already open.")) from None
    return shift


def current_shift(cashier_id):
    """The cashier's open shift, or None."""
    return db.session.scalar(select(CashShift).where(CashShift.cashier_fk == cashier_id,
                                                     CashShift.closed_at.is_(None)))


def shift_for_payment(cashier_id):
    """The id of the open shift a payment taken (or money returned) by ``cashier_id`` belongs
    to, or None. With ``PAYMENTS_REQUIRE_OPEN_SHIFT`` on, no open shift refuses the payment."""
    shift_id = None
    if cashier_id is not None:
        shift_id = db.session.scalar(select(CashShift.id).where(
            CashShift.cashier_fk == cashier_id, CashShift.closed_at.is_(None)))
    if shift_id is None and current_app.config.get("PAYMENTS_REQUIRE_OPEN_SHIFT"):
        raise Conflict(_l("Open your cash shift at the cash desk before taking or "
                          "returning money."), field="shift")
    return shift_id


def get_shift(shift_id):
    shift = db.session.get(CashShift, shift_id)
    if shift is None:
        raise NotFound(_l("No such shift."))
    return shift


def _shift_payments(shift_ids):
    """SQL: the payments of these shifts, each tagged with its shift id: the clients' payments
    by cashier and time, and the organisations' payments recorded against the shift."""
    clients = (select(CashShift.id.label("shift_id"), Payment.method.label("method"),
                      Payment.amount.label("amount"))
               .join(Payment, Payment.taken_by_fk == CashShift.cashier_fk)
               .where(CashShift.id.in_(shift_ids), Payment.paid_at >= CashShift.opened_at,
                      or_(CashShift.closed_at.is_(None), Payment.paid_at < CashShift.closed_at)))
    organisations = (select(OrganisationPayment.cash_shift_id.label("shift_id"),
                            OrganisationPayment.method.label("method"),
                            OrganisationPayment.amount.label("amount"))
                     .where(OrganisationPayment.cash_shift_id.in_(shift_ids)))
    return union_all(clients, organisations)


def shift_totals(shift_ids):
    """``{shift id: {method: {"taken", "returned", "count"}}}`` in one grouped query."""
    rows = _shift_payments(shift_ids).subquery()
    query = (select(rows.c.shift_id, rows.c.method,
                    func.sum(case((rows.c.amount > 0, rows.c.amount), else_=0)),
                    func.sum(case((rows.c.amount < 0, -rows.c.amount), else_=0)),
                    func.count())
             .group_by(rows.c.shift_id, rows.c.method))
    totals = defaultdict(dict)
    for shift_id, method, taken, returned, count in db.session.execute(query):
        totals[shift_id][method] = {"taken": to_money(taken), "returned": to_money(returned),
                                    "count": count}
    return totals


def expected_cash(shift, totals=None):
    """Opening float + cash taken − cash returned during the shift."""
    cash = (totals if totals is not None else shift_totals([shift.id]).get(shift.id, {})) \
        .get("cash", {"taken": Decimal("0"), "returned": Decimal("0")})
    return to_money(shift.opening_float + cash["taken"] - cash["returned"])


def close_shift(shift_id, counted_cash, closed_by_id, note=None, now=None):
    """Close the shift once with the cash counted; records expected cash and the difference.
    Only its cashier (or an Admin acting for them, ``closed_by_id`` given) closes it."""
    counted = _amount(counted_cash, "counted_cash")
    shift = get_shift(shift_id)
    if shift.closed_at is not None:
        raise Conflict(_l("This shift is already closed."))
    closed_at = now or datetime.now()
    expected = expected_cash(shift)
    result = db.session.execute(
        update(CashShift).where(CashShift.id == shift_id, CashShift.closed_at.is_(None))
        .values(closed_at=closed_at, counted_cash=counted, expected_cash=expected,
                difference=counted - expected, note=note or None,
                version=CashShift.version + 1, changed_by_fk=closed_by_id,
                changed_on=closed_at)
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise Conflict(_l("This shift is already closed."))
    db.session.expire(shift)
    return shift


def daily_report(day):
    """The Z-report of a day: every shift opened that day with its cashier, totals by method
    (taken, returned, net), expected and counted cash and the difference; plus the day's
    totals by method. A constant number of queries whatever the number of shifts."""
    start = datetime.combine(day, time.min)
    shifts = db.session.scalars(
        select(CashShift).options(selectinload(CashShift.cashier))
        .where(CashShift.opened_at >= start, CashShift.opened_at < start + timedelta(days=1))
        .order_by(CashShift.opened_at)).all()
    totals = shift_totals([s.id for s in shifts]) if shifts else {}
    zero = {"taken": Decimal("0.00"), "returned": Decimal("0.00"), "count": 0}
    day_totals = {method: dict(zero) for method in PAYMENT_METHODS}
    lines = []
    for shift in shifts:
        by_method = {method: dict(totals.get(shift.id, {}).get(method, zero))
                     for method in PAYMENT_METHODS}
        for method, values in by_method.items():
            values["net"] = values["taken"] - values["returned"]
            for key in ("taken", "returned", "count"):
                day_totals[method][key] += values[key]
        lines.append({"shift": shift, "by_method": by_method,
                      "expected_cash": (shift.expected_cash if shift.closed_at
                                        else expected_cash(shift, totals.get(shift.id, {})))})
    for values in day_totals.values():
        values["net"] = values["taken"] - values["returned"]
    return {"day": day, "shifts": lines, "totals": day_totals,
            "difference": to_money(sum((s.difference or 0) for s in shifts))}
