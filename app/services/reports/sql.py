"""SQL expressions the reports share, written once so they run on SQLite and PostgreSQL."""
from sqlalchemy import Float, Integer, cast, extract, func, literal
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from app.models.clients import Client


def hours_between(start, end):
    """Hours from ``start`` to ``end`` (datetimes), as a number."""
    return (extract("epoch", end) - extract("epoch", start)) / 3600.0


def year_of(column):
    return cast(extract("year", column), Integer)


def month_of(column):
    return cast(extract("month", column), Integer)


class excel_day(FunctionElement):
    """Excel's day number of a date (or of a datetime's day): days since 1899-12-30, the
    number an Excel date cell holds (right for every day after 1900-02-28)."""
    type = Integer()
    name = "excel_day"
    inherit_cache = True


class excel_moment(FunctionElement):
    """Excel's serial of a datetime: its day number and the fraction of the day gone."""
    type = Float(asdecimal=False)
    name = "excel_moment"
    inherit_cache = True


@compiles(excel_day)
def _excel_day_sqlite(element, compiler, **kw):
    # 2415018.5 is 1899-12-30 00:00 on the Julian day scale SQLite's date functions count in
    return "CAST(julianday(date(%s)) - 2415018.5 AS INTEGER)" % compiler.process(
        element.clauses, **kw)


@compiles(excel_day, "postgresql")
def _excel_day_postgresql(element, compiler, **kw):
    return "(CAST(%s AS DATE) - DATE '1899-12-30')" % compiler.process(element.clauses, **kw)


@compiles(excel_moment)
def _excel_moment_sqlite(element, compiler, **kw):
    # SQLite's date functions keep milliseconds; so does Excel
    return "(julianday(%s) - 2415018.5)" % compiler.process(element.clauses, **kw)


@compiles(excel_moment, "postgresql")
def _excel_moment_postgresql(element, compiler, **kw):
    # 25569 is 1970-01-01, where a timestamp's epoch (its seconds, time zone not minded) begins
    return ("(CAST(EXTRACT(EPOCH FROM CAST(%s AS TIMESTAMP)) AS DOUBLE PRECISION) / 86400.0"
            " + 25569)" % compiler.process(element.clauses, **kw))


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
