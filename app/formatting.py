"""Locale-aware formatting of money, numbers and dates for templates and documents."""
import re
from decimal import Decimal

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.numbers import (format_currency, format_decimal, get_currency_precision,
                           get_currency_symbol)
from flask import current_app
from flask_babel import get_locale
from markupsafe import Markup, escape


def _locale():
    locale = get_locale()
    return str(locale) if locale else "en"


def _currency(currency=None):
    return currency or current_app.config.get("CURRENCY", "EUR")


def currency_symbol(currency=None):
    """Rule: the centre's currency shows one symbol in every language (CLDR gives "€" in
    Russian but "EUR" in Ukrainian, "$" in English but "$US" in French): the symbol most of our
    languages use other than the bare ISO code (the shortest on a tie), else the code;
    ``CURRENCY_SYMBOL`` in the config overrides it."""
    currency = _currency(currency)
    if current_app.config.get("CURRENCY_SYMBOL"):
        return current_app.config["CURRENCY_SYMBOL"]
    symbols = [get_currency_symbol(currency, locale=lang)
               for lang in ("en", *current_app.config.get("LANGUAGES", ()))]
    symbols = [symbol for symbol in symbols if symbol != currency]
    if not symbols:
        return currency
    return min(set(symbols), key=lambda symbol: (-symbols.count(symbol), len(symbol), symbol))


def money(amount, currency=None, locale=None):
    """``Decimal('1234.5')`` -> ``€1,234.50`` / ``1 234,50 €`` per the user's language (or
    ``locale``): the language places the digits, the symbol is the same in every language."""
    if amount is None:
        return ""
    currency = _currency(currency)
    locale = locale or _locale()
    text = format_currency(Decimal(amount), currency, locale=locale)
    return text.replace(get_currency_symbol(currency, locale=locale), currency_symbol(currency))


def number(value, locale=None):
    """A number (hours, a percentage, a quantity) as the user's language (or ``locale``)
    writes it, without trailing zeros: ``Decimal('7.50')`` -> ``7.5`` / ``7,5``;
    ``1234.5`` -> ``1,234.5`` / ``1 234,5``. Blank for none; a text that is not a number is
    shown as it is."""
    if value is None or value == "":
        return ""
    try:
        amount = Decimal(str(value))
    except ArithmeticError:
        return str(value)
    if not amount.is_finite():
        return str(value)
    if amount == amount.to_integral_value():
        amount = amount.quantize(Decimal(1))
    else:
        amount = amount.normalize()
    return format_decimal(amount, locale=locale or _locale(), decimal_quantization=False)


def date(value, fmt="medium"):
    return format_date(value, format=fmt, locale=_locale()) if value else ""


def datetime_(value, fmt="short"):
    return format_datetime(value, format=fmt, locale=_locale()) if value else ""


# --- Excel number formats ------------------------------------------------------------------------

_CLDR_TOKEN = re.compile(r"'[^']*'|([A-Za-z])\1*|.", re.S)


def _excel_pattern(pattern):
    """A CLDR date/time pattern ("dd.MM.y", "h:mm a") as an Excel number format: numeric
    months, four-digit years, AM/PM for a 12-hour clock; other letters are dropped."""
    out = []
    for match in _CLDR_TOKEN.finditer(pattern):
        token = match.group(0)
        letter = match.group(1)
        if letter is None:
            literal = token.strip("'") if token.startswith("'") else token
            out.append("".join(ch if ch in " ./:-,\u00a0\u202f" else "\\" + ch
                               for ch in literal))
        elif letter == "y":
            out.append("yyyy")
        elif letter in "ML":
            out.append("mm" if len(token) > 1 else "m")
        elif letter == "d":
            out.append(token[:2])
        elif letter in "Hh":
            out.append("hh" if len(token) > 1 else "h")
        elif letter == "m":
            out.append("mm")
        elif letter == "s":
            out.append("ss")
        elif letter == "a":
            out.append("AM/PM")
    return "".join(out).strip().replace("\u00a0", " ").replace("\u202f", " ")


def excel_date_format(locale=None):
    """The Excel number format of a date in the user's language (``dd.mm.yyyy`` in Russian)."""
    return _excel_pattern(Locale.parse(locale or _locale()).date_formats["short"].pattern)


def excel_datetime_format(locale=None):
    """The Excel number format of a date and time in the user's language."""
    loc = Locale.parse(locale or _locale())
    return (excel_date_format(locale) + " "
            + _excel_pattern(loc.time_formats["short"].pattern))


def excel_money_format(currency=None, locale=None):
    """The Excel number format of an amount: thousands, the currency's decimals and the one
    currency symbol, before or after the digits as the user's language writes it."""
    currency = _currency(currency)
    digits = get_currency_precision(currency)
    number = "#,##0" + ("." + "0" * digits if digits else "")
    symbol = '"' + currency_symbol(currency).replace('"', "") + '"'
    pattern = Locale.parse(locale or _locale()).currency_formats["standard"].pattern
    return symbol + number if pattern.lstrip().startswith("¤") else number + " " + symbol


def register(app):
    app.jinja_env.filters["money"] = money
    app.jinja_env.filters["fnumber"] = number
    app.jinja_env.filters["fdate"] = date
    app.jinja_env.filters["fdatetime"] = datetime_
    register_values(app)


# --- one formatter for every value a page shows (lists, show pages, the card, the audit log) ---
import datetime as _dt  # noqa: E402
import enum as _enum  # noqa: E402
import re as _re  # noqa: E402

from babel.dates import format_time  # noqa: E402
from flask_babel import gettext as _gettext, lazy_gettext as _l  # noqa: E402

YES, NO = _l("Yes"), _l("No")
WEEKDAYS = (_l("Monday"), _l("Tuesday"), _l("Wednesday"), _l("Thursday"), _l("Friday"),
            _l("Saturday"), _l("Sunday"))
# code -> translated label, registered by the views' label tables (e.g. "per_participant")
CODE_LABELS = {}
# (table, column) -> translated field label, registered by the views' label_columns
FIELD_LABELS = {}
TABLE_LABELS = {}
# tables without a page of their own, for the audit log ("course_participant #8")
TABLE_LABELS.update({
    "security_event": _l("Security event"),
    "cash_shift": _l("Cash shift"),
    "document_template": _l("Document template"),
    "payroll": _l("Payroll"),
    "pass_plan_service": _l("Service of a pass plan"),
    "client_document": _l("Client's document"),
    "client_manager_assignment": _l("Client's manager"),
    "client_tag": _l("Client's tag"),
    "lesson": _l("Lesson"),
    "charge": _l("Charge"),
    "pass_extension": _l("Pass extension"),
    "pass_freeze": _l("Pass freeze"),
    "pass_service": _l("Service of a pass"),
    "payroll_line": _l("Payroll line"),
    "stock_sale_line": _l("Shop sale line"),
    "bonus_transaction": _l("Bonus points movement"),
    "course_registration": _l("Course registration"),
    "document": _l("Document"),
    "gift_certificate_redemption": _l("Gift certificate redemption"),
    "session_write_off": _l("Session write-off"),
    "stock_sale_payment": _l("Shop sale payment"),
    "attendance": _l("Attendance"),
    "course_participant": _l("Course participant"),
    "course_attendance": _l("Course attendance"),
})
_ISO_DATETIME = _re.compile(r"^\d{4}-\d\d-\d\d[T ]\d\d:\d\d(:\d\d(\.\d+)?)?([+-]\d\d:?\d\d|Z)?$")
_ISO_DATE = _re.compile(r"^\d{4}-\d\d-\d\d$")
_CODE = _re.compile(r"^[a-z][a-z0-9_]*$")


def register_codes(labels):
    """Let ``value`` show these codes (``{"planned": _l("Planned")}``) as their labels."""
    for code, label in labels.items():
        if isinstance(code, str):
            CODE_LABELS.setdefault(code, label)
    return labels


_scanned = []


def _code_labels():
    """The label tables of every loaded Tessera module (``STATUS_LABELS = {"active": _l(…)}``),
    gathered once: a code stored as text is shown as its label wherever it appears."""
    if not _scanned:
        import sys

        from flask_babel.speaklater import LazyString

        for name, module in list(sys.modules.items()):
            if not name.startswith("app.") or module is None:
                continue
            for attr, table in list(vars(module).items()):
                if attr.endswith("_LABELS") and isinstance(table, dict) and table and all(
                        isinstance(k, str) and _CODE.match(k) and isinstance(v, (str, LazyString))
                        for k, v in table.items()):
                    register_codes(table)
        _scanned.append(True)
    return CODE_LABELS


def weekday(number):
    """0 (Monday) … 6 (Sunday) -> the day's translated name."""
    try:
        return str(WEEKDAYS[int(number)])
    except (TypeError, ValueError, IndexError):
        return "" if number is None else str(number)


def value(obj):
    """Any column value as the reader should see it: blank for none, translated yes/no, dates
    and times in the locale's format without microseconds, enums and codes as their labels."""
    if obj is None:
        return ""
    if isinstance(obj, bool):
        return str(YES if obj else NO)
    if isinstance(obj, _dt.datetime):
        return datetime_(obj)
    if isinstance(obj, _dt.date):
        return date(obj)
    if isinstance(obj, _dt.time):
        return format_time(obj, format="short", locale=_locale())
    if isinstance(obj, _enum.Enum):
        return str(_code_labels().get(obj.value, obj.name.replace("_", " ").capitalize()))
    if isinstance(obj, str):
        return stored_text(obj)
    if isinstance(obj, (list, tuple, set)):
        return ", ".join(str(value(item)) for item in obj)  # a record: its name
    return obj


def stored_text(text):
    """A value kept as text (the audit log's before/after): the same rules as ``value``."""
    if text in ("True", "False"):
        return str(YES if text == "True" else NO)
    if text in ("None", ""):
        return ""
    if _ISO_DATETIME.match(text):
        try:
            return datetime_(_dt.datetime.fromisoformat(text.replace("Z", "+00:00")))
        except ValueError:
            return text
    if _ISO_DATE.match(text):
        try:
            return date(_dt.date.fromisoformat(text))
        except ValueError:
            return text
    if _CODE.match(text) and text in _code_labels():
        return str(CODE_LABELS[text])
    return text


def field_label(table, field):
    """The translated label of a table's column (the audit log's "Field")."""
    label = FIELD_LABELS.get((table, field))
    if label is None and field and field.endswith("_id"):
        label = FIELD_LABELS.get((table, field[:-3]))
    if label is None:
        label = _gettext(field.replace("_", " ").capitalize()) if field else ""
    return str(label)


def table_label(table):
    label = TABLE_LABELS.get(table)
    return str(label) if label is not None else _gettext(table.replace("_", " ").capitalize())


def select_options(items, selected=None, label="name"):
    """The ``<option>`` elements of a drop-down of ``items`` (each with ``id`` and ``label``),
    ``selected`` marked: built in one pass here, not by a template loop per option — a
    timetable filter lists hundreds of groups on every page view."""
    chosen = None if selected in (None, "") else str(selected)
    return Markup("".join(
        f'<option value="{item.id}"{" selected" if str(item.id) == chosen else ""}>'
        f'{escape(getattr(item, label) or "")}</option>' for item in items))


def register_values(app):
    app.jinja_env.filters["select_options"] = select_options
    app.jinja_env.filters["fvalue"] = value
    app.jinja_env.filters["fweekday"] = weekday
    app.jinja_env.filters["ffield"] = field_label
    app.jinja_env.filters["ftable"] = table_label
