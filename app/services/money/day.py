"""The money of one day for the home pages: the payments taken, totals per method, and the
total owed by all debtors. Constant number of queries whatever the number of payments."""
from datetime import datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models.passes import Payment
from app.services.money.amounts import to_money


def payments_of_day(day, limit=50):
    """``{"payments": [latest first, at most limit], "by_method": {method: total}, "total",
    "count"}`` for the payments taken on ``day`` (refunds are negative and count)."""
    start = datetime.combine(day, time())
    end = start + timedelta(days=1)
    in_day = (Payment.paid_at >= start, Payment.paid_at < end)
    totals = db.session.execute(
        select(Payment.method, func.count(Payment.id), func.sum(Payment.amount))
        .where(*in_day).group_by(Payment.method)).all()
    payments = list(db.session.scalars(
        select(Payment).options(joinedload(Payment.client), joinedload(Payment.taken_by))
        .where(*in_day).order_by(Payment.paid_at.desc(), Payment.id.desc()).limit(limit)))
    by_method = {method: to_money(total or 0) for method, _count, total in totals}
    return {"payments": payments, "by_method": by_method,
            "total": to_money(sum(by_method.values(), Decimal("0"))),
            "count": sum(count for _method, count, _total in totals)}


