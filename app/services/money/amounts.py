"""Amounts of money: Decimal rounded to cents, one rule for every domain."""
from decimal import ROUND_HALF_UP, Decimal

from flask_babel import lazy_gettext as _l

from app.services.platform import DomainError

CENT = Decimal("0.01")
# The largest amount a NUMERIC(12, 2) column holds.
MAX_AMOUNT = Decimal("9999999999.99")
# Sessions, days and counts beyond this are typing mistakes (and would overflow INTEGER).
MAX_COUNT = 100_000


def to_money(value):
    """A Decimal rounded to cents (half up); an empty value is zero. Floats never reach here
    (forms, JSON parsers and SQL hand over Decimal or str)."""
    return Decimal(str(value or 0)).quantize(CENT, rounding=ROUND_HALF_UP)


def checked_amount(value, field):
    """``to_money(value)``, refused (naming ``field``) when it is not a finite amount a money
    column can hold — a form or an API cannot reach the database with 1e20."""
    try:
        amount = to_money(value)
    except ArithmeticError:
        amount = None
    if amount is None or not amount.is_finite() or abs(amount) > MAX_AMOUNT:
        raise DomainError(_l("This amount is too large."), field=field)
    return amount


def check_count(value, field):
    """A count of sessions, days or freezes within ``MAX_COUNT`` (None passes)."""
    if value is not None and not -MAX_COUNT <= value <= MAX_COUNT:
        raise DomainError(_l("This number is too large."), field=field)
    return value
