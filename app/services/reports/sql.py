"""SQL expressions the reports share, written once so they run on SQLite and PostgreSQL."""
from sqlalchemy import Integer, cast, extract, func, literal

from app.models.clients import Client


def hours_between(start, end):
    """Hours from ``start`` to ``end`` (datetimes), as a number."""
    return (extract("epoch", end) - extract("epoch", start)) / 3600.0


def year_of(column):
    return cast(extract("year", column), Integer)


def month_of(column):
    return cast(extract("month", column), Integer)


def client_name():
    """"Last First" of a client, for sorting and display."""
    return Client.last_name + literal(" ") + Client.first_name


def money_sum(column):
    return func.coalesce(func.sum(column), 0)


def month_label(row, year_key="year", month_key="month_no"):
    """A "YYYY-MM" label from a row's year and month numbers (the row keeps only the label)."""
    year, month = row.pop(year_key, None), row.pop(month_key, None)
    row["month"] = f"{int(year):04d}-{int(month):02d}" if year and month else ""
    return row
