"""Excel files streamed from the database: xlsxwriter's constant-memory mode writes each row
to disk as it comes, so a million-row report needs no more memory than a hundred."""
from datetime import datetime, timedelta

import xlsxwriter
from sqlalchemy import Numeric, Select, String, case
from sqlalchemy.sql.elements import Label

from app import formatting
from app.extensions import db
from app.services.reports.registry import (DATE, DATETIME, INT, MONEY, NUMBER, PERCENT,
                                           STREAM_CHUNK, TEXT, iter_rows, label_maps, to_date,
                                           to_datetime, to_money)
from app.services.reports.sql import excel_day, excel_moment

PROGRESS_EVERY = 2000

FORMATS = {
    INT: {"num_format": "0"},
    NUMBER: {"num_format": "#,##0.0#"},
    PERCENT: {"num_format": "0.0%"},
}

# Excel counts days from 1899-12-30 (for every day after 1900-02-28, its fictitious leap day)
EXCEL_EPOCH = datetime(1899, 12, 30)
EXCEL_EPOCH_DAY = EXCEL_EPOCH.date()
DAY = timedelta(days=1)


def formats():
    """Each column type's cell format in the current language: money with the currency's
    format and symbol, dates and times in the language's order (``dd.mm.yyyy`` in Russian)."""
    return {**FORMATS,
            MONEY: {"num_format": formatting.excel_money_format()},
            DATE: {"num_format": formatting.excel_date_format()},
            DATETIME: {"num_format": formatting.excel_datetime_format()}}


def _date_serial(value):
    return (to_date(value) - EXCEL_EPOCH_DAY).days


def _datetime_serial(value):
    if value.__class__ is not datetime:
        value = to_datetime(value)
    return (value - EXCEL_EPOCH) / DAY


def _money(value):
    return float(to_money(value))


def _cell_value(column, sql_type, labels):
    """How a column's value becomes its cell's (None: as the database gives it), for a column
    the database types ``sql_type`` (None when a Python hook computed it). Dates become Excel's
    day numbers, formatted by their column; text is written as text, never as a formula."""
    if column.key in labels:
        mapping = labels[column.key]
        return lambda value: mapping.get(value, value)
    if column.type == DATE:
        return _date_serial
    if column.type == DATETIME:
        return _datetime_serial
    if column.type == MONEY:
        exact = isinstance(sql_type, Numeric) and sql_type.asdecimal \
            and sql_type.scale is not None and sql_type.scale <= 2
        return None if exact else _money
    if column.type == TEXT:
        return None if isinstance(sql_type, String) else str
    return None


def _cell_in_sql(column, expression, labels):
    """The SQL that turns a column's value into its cell's (dates into Excel's day numbers,
    stored codes into their labels), or None: the value goes in as it is, or ``_cell_value``
    turns it in Python."""
    inner = expression.element if isinstance(expression, Label) else expression
    if labels.get(column.key):
        return case(labels[column.key], value=inner, else_=inner)
    if column.type == DATE:
        return excel_day(inner)
    if column.type == DATETIME:
        return excel_moment(inner)
    return None


def _cells_in_sql(statement, report, labels):
    """The report's statement with the database making its date, time and labelled cells
    (a million rows then pass from the database to the file with no Python per row), and the
    keys of the columns so made. Left as it is when DISTINCT (PostgreSQL orders a DISTINCT
    only by values it selects) or not a plain SELECT."""
    if not isinstance(statement, Select) or statement._distinct:
        return statement, set()
    selected = statement.selected_columns
    columns = {column.key: column for column in report.columns}
    made, replaced = [], set()
    for key, expression in zip(selected.keys(), selected):
        cell = _cell_in_sql(columns[key], expression, labels) if key in columns else None
        if cell is None:
            made.append(expression)
        else:
            made.append(cell.label(key))
            replaced.add(key)
    if not replaced:
        return statement, replaced
    return statement.with_only_columns(*made, maintain_column_froms=True), replaced


def _rows(report, params):
    """The report's rows as sequences of cell values in column order, and how each column's
    value becomes its cell's in Python (None: as the database gives it). Straight from the
    database's rows unless the report computes columns in Python (``convert``)."""
    if report.convert is not None:
        keys = [column.key for column in report.columns]
        rows = ([row.get(key) for key in keys] for row in iter_rows(report, params))
        # iter_rows has put the labels in already
        return rows, [_cell_value(column, None, {}) for column in report.columns]
    labels = label_maps(report)
    statement, in_sql = _cells_in_sql(report.query(params), report, labels)
    types = {column.key: column.type for column in statement.selected_columns}
    cells = [None if column.key in in_sql else _cell_value(column, types[column.key], labels)
             for column in report.columns]

    def rows():
        # Core execution: the ORM's result machinery costs per row and adds nothing to a
        # select of columns
        result = db.session.connection().execute(
            statement.execution_options(stream_results=True, yield_per=STREAM_CHUNK))
        try:
            keys = list(result.keys())
            order = [keys.index(column.key) for column in report.columns]
            if order != list(range(len(keys))):
                for row in result:
                    yield [row[index] for index in order]
            elif any(cells):
                yield from map(list, result)
            else:
                yield from result
        finally:
            result.close()
    return rows(), cells


def write_workbook(report, params, path, title=None, total=None, progress=None):
    """Write the report to ``path`` as .xlsx: bold header row, typed number/money/date
    formats, frozen header and an autofilter; returns the number of data rows written.
    ``progress(done, total)`` is called every few thousand rows."""
    cell_formats = formats()
    workbook = xlsxwriter.Workbook(path, {"constant_memory": True, "strings_to_formulas": False,
                                          "strings_to_urls": False})
    try:
        worksheet = workbook.add_worksheet(str(title or report.title)[:31])
        header = workbook.add_format({"bold": True, "bg_color": "#DDE4EE", "border": 1,
                                      "text_wrap": True, "valign": "top"})
        for index, column in enumerate(report.columns):
            fmt = (workbook.add_format(cell_formats[column.type])
                   if column.type in cell_formats else None)
            # a cell written without a format of its own takes its column's
            worksheet.set_column(index, index, column.width, fmt)
            worksheet.write_string(0, index, str(column.title), header)
        worksheet.freeze_panes(1, 0)
        rows, cells = _rows(report, params)
        changes = [(index, change) for index, change in enumerate(cells) if change is not None]
        written = 0
        for written, values in enumerate(rows, start=1):
            for index, change in changes:  # the rows are lists when there are changes
                value = values[index]
                if value is not None:
                    values[index] = change(value)
            worksheet.write_row(written, 0, values)
            if progress is not None and written % PROGRESS_EVERY == 0:
                progress(written, total)
        worksheet.autofilter(0, 0, max(written, 1), len(report.columns) - 1)
    finally:
        workbook.close()
    return written
