"""Locale-aware formatting of money, numbers and dates for templates and documents."""
from decimal import Decimal

from babel.numbers import format_currency
from babel.dates import format_date, format_datetime
from flask import current_app
from flask_babel import get_locale


def _locale():
    locale = get_locale()
    return str(locale) if locale else "en"


def money(amount, currency=None):
    """``Decimal('1234.5')`` -> ``€1,234.50`` / ``1 234,50 €`` per the user's language."""
    if amount is None:
        return ""
    currency = currency or current_app.config.get("CURRENCY", "EUR")
    return format_currency(Decimal(amount), currency, locale=_locale())


def date(value, fmt="medium"):
    return format_date(value, format=fmt, locale=_locale()) if value else ""


def datetime_(value, fmt="short"):
    return format_datetime(value, format=fmt, locale=_locale()) if value else ""


def register(app):
    app.jinja_env.filters["money"] = money
    app.jinja_env.filters["fdate"] = date
    app.jinja_env.filters["fdatetime"] = datetime_
