"""The report registry: every report is one ``Report`` declaration, registered here by name.

A declaration names its parameters (typed: a date range, a service, a group…), its columns
(key, translated title, type) and a ``query(params)`` function returning a SQLAlchemy select
whose labelled columns carry the column keys. The infrastructure runs that select streamed
(``yield_per``: a server-side cursor on PostgreSQL), so neither the preview, the Excel writer
nor the PDF ever holds the whole result in memory.
"""
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.extensions import db
from app.services.platform import DomainError, NotFound

MONEY, DATE, DATETIME, INT, TEXT, PERCENT, NUMBER = (
    "money", "date", "datetime", "int", "text", "percent", "number")
COLUMN_TYPES = (MONEY, DATE, DATETIME, INT, TEXT, PERCENT, NUMBER)

# Parameter kinds; the choice kinds get their options from ``CHOICE_SOURCES``.
DATE_FROM, DATE_TO, ON_DATE, SERVICE, GROUP, INSTRUCTOR, MANAGER, DAYS, CHOICE, SEARCH = (
    "date_from", "date_to", "on_date", "service", "group", "instructor", "manager", "days",
    "choice", "search")
ID_KINDS = (SERVICE, GROUP, INSTRUCTOR, MANAGER)

STREAM_CHUNK = 1000
PREVIEW_ROWS = 100

REPORTS = {}


@dataclass(frozen=True)
class Col:
    key: str
    title: object
    type: str = TEXT
    width: int = 14

    def __post_init__(self):
        if self.type not in COLUMN_TYPES:
            raise ValueError(f"unknown column type {self.type!r}")


@dataclass(frozen=True)
class Param:
    """A report parameter. ``kind`` decides parsing and the form widget; ``default`` is a value
    or a function of today's date."""

    name: str
    label: object
    kind: str
    default: object = None
    required: bool = False
    choices: tuple = ()  # (value, lazy label) pairs for kind CHOICE


@dataclass(frozen=True)
class Report:
    name: str
    title: object
    description: object
    params: tuple
    columns: tuple
    query: object  # params dict -> Select with columns labelled by Col.key
    printable: bool = True
    landscape: bool = False
    convert: object = None  # optional row dict -> row dict hook (computed columns)
    summary: tuple = field(default=())  # column keys totalled at the bottom (money/int)
    labels: dict = field(default_factory=dict)  # column key -> {stored value: lazy label}

    @property
    def kind_prefix(self):
        return f"report:{self.name}"


def register(report):
    """Add a declaration to the registry (a new report is one call of this)."""
    if report.name in REPORTS:
        raise ValueError(f"report {report.name!r} registered twice")
    REPORTS[report.name] = report
    return report


def get_report(name):
    """The declaration of ``name``; ``NotFound`` for an unknown name."""
    report = REPORTS.get(name)
    if report is None:
        raise NotFound(_l("No such report."))
    return report


def all_reports():
    return list(REPORTS.values())


# --- parameters -------------------------------------------------------------------------------

def first_of_month(today=None):
    today = today or date.today()
    return today.replace(day=1)


def today_(today=None):
    return today or date.today()


def month_ago(today=None):
    return (today or date.today()) - timedelta(days=30)


def _parse_date(value):
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value).strip())


def _parse_int(value):
    return int(str(value).strip())


def parse_params(report, data):
    """Typed parameter values from a form, query string or JSON (strings or values); missing
    ones take their defaults. A bad value raises ``DomainError`` naming the field."""
    data = data or {}
    values = {}
    for param in report.params:
        raw = data.get(param.name)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            default = param.default(None) if callable(param.default) else param.default
            if default is None and param.required:
                raise DomainError(_l("This parameter is required."), field=param.name)
            values[param.name] = default
            continue
        try:
            if param.kind in (DATE_FROM, DATE_TO, ON_DATE):
                values[param.name] = _parse_date(raw)
            elif param.kind == SEARCH:
                values[param.name] = str(raw).strip()[:100]
            elif param.kind == CHOICE:
                allowed = [value for value, _label in param.choices]
                if raw not in allowed:
                    raise ValueError(raw)
                values[param.name] = raw
            else:
                values[param.name] = _parse_int(raw)
                if values[param.name] < 0:
                    raise ValueError(raw)
        except (TypeError, ValueError):
            raise DomainError(_l("This value is not valid."), field=param.name) from None
    bounds = [p.name for p in report.params if p.kind in (DATE_FROM, DATE_TO)]
    if len(bounds) == 2 and values[bounds[0]] and values[bounds[1]] \
            and values[bounds[0]] > values[bounds[1]]:
        raise DomainError(_l("The period ends before it starts."), field=bounds[1])
    return values


def serialize_params(values):
    """Parameter values as JSON-safe strings (what a job carries)."""
    return {key: (value.isoformat() if isinstance(value, date) else value)
            for key, value in values.items() if value is not None}


def period_bounds(params, start="date_from", end="date_to"):
    """Datetimes [start, end + 1 day) for a date range: the end day is included."""
    date_from, date_to = params.get(start), params.get(end)
    lower = datetime.combine(date_from, datetime.min.time()) if date_from else None
    upper = datetime.combine(date_to + timedelta(days=1), datetime.min.time()) if date_to else None
    return lower, upper


# --- rows -------------------------------------------------------------------------------------

def to_date(value):
    """A column's DATE value as a date (a datetime's day; SQLite may give text)."""
    if value is None or isinstance(value, date):
        return value.date() if isinstance(value, datetime) else value
    return date.fromisoformat(str(value)[:10])


def to_datetime(value):
    """A column's DATETIME value as a datetime (SQLite may give text)."""
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


def to_money(value):
    """A column's MONEY value as a Decimal of whole cents (SQLite may give a float)."""
    if value is None:
        return None
    return Decimal(value).quantize(Decimal("0.01")) if not isinstance(value, float) \
        else Decimal(str(round(value, 2))).quantize(Decimal("0.01"))


def label_maps(report):
    """Per labelled column, its stored values' labels in the current language."""
    return {key: {value: str(label) for value, label in mapping.items()}
            for key, mapping in report.labels.items()}


def _converters(report):
    table = {DATE: to_date, DATETIME: to_datetime, MONEY: to_money}
    return [(col.key, table[col.type]) for col in report.columns if col.type in table]


def iter_rows(report, params, limit=None):
    """The report's rows as dicts, streamed from the database in chunks (typed per column)."""
    statement = report.query(params)
    if limit is not None:
        statement = statement.limit(limit)
    converters = _converters(report)
    labels = label_maps(report)
    result = db.session.execute(statement.execution_options(yield_per=STREAM_CHUNK))
    try:
        for row in result.mappings():
            row = dict(row)
            for key, convert in converters:
                if key in row:
                    row[key] = convert(row[key])
            for key, mapping in labels.items():
                if key in row:
                    row[key] = mapping.get(row[key], row[key])
            if report.convert is not None:
                row = report.convert(row, params)
            yield row
    finally:
        result.close()


def count_rows(report, params):
    """How many rows the report has (for the progress bar): one COUNT over its select."""
    statement = report.query(params).order_by(None)
    return db.session.scalar(select(func.count()).select_from(statement.subquery())) or 0


def preview(report, params, limit=PREVIEW_ROWS):
    """The first ``limit`` rows for the on-screen preview, and whether there are more."""
    rows = list(iter_rows(report, params, limit=limit + 1))
    return rows[:limit], len(rows) > limit


def period_params(default_from=first_of_month):
    """The usual "From … To …" pair (the end day included)."""
    return (Param("date_from", _l("From"), DATE_FROM, default=default_from),
            Param("date_to", _l("To"), DATE_TO, default=today_))


SERVICE_PARAM = Param("service_id", _l("Service"), SERVICE)
ON_PARAM = Param("on", _l("On"), ON_DATE, default=today_)
