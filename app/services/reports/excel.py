"""Excel files streamed from the database: xlsxwriter's constant-memory mode writes each row
to disk as it comes, so a million-row report needs no more memory than a hundred."""
from datetime import datetime, timedelta

import xlsxwriter
from sqlalchemy import Numeric, String

from app import formatting
from app.extensions import db
from app.services.reports.registry import (DATE, DATETIME, INT, MONEY, NUMBER, PERCENT,
                                           STREAM_CHUNK, TEXT, iter_rows, label_maps, to_date,
                                           to_datetime, to_money)

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


def _rows(report, params):
    """The report's rows as lists of cell values in column order, and how each column's value
    becomes its cell's. Straight from the database's rows unless the report computes columns
    in Python (``convert``)."""
    if report.convert is not None:
        keys = [column.key for column in report.columns]
        rows = ([row.get(key) for key in keys] for row in iter_rows(report, params))
        # iter_rows has put the labels in already
        return rows, [_cell_value(column, None, {}) for column in report.columns]
    statement = report.query(params)
    types = {column.key: column.type for column in statement.selected_columns}
    labels = label_maps(report)
    cells = [_cell_value(column, types[column.key], labels) for column in report.columns]

    def rows():
        # Core execution: the ORM's result machinery costs per row and adds nothing to a
        # select of columns
        result = db.session.connection().execute(
            statement.execution_options(stream_results=True, yield_per=STREAM_CHUNK))
        try:
            keys = list(result.keys())
            order = [keys.index(column.key) for column in report.columns]
            if order == list(range(len(keys))):
                yield from map(list, result)
            else:
                for row in result:
                    yield [row[index] for index in order]
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
            for index, change in changes:
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
