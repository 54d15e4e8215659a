"""Amounts of money: Decimal rounded to cents, one rule for every domain."""
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def to_money(value):
    """A Decimal rounded to cents (half up); an empty value is zero. Floats never reach here
    (forms, JSON parsers and SQL hand over Decimal or str)."""
    return Decimal(str(value or 0)).quantize(CENT, rounding=ROUND_HALF_UP)
