"""Excel files streamed from the database: xlsxwriter's constant-memory mode writes each row
to disk as it comes, so a million-row report needs no more memory than a hundred."""
from datetime import date, datetime

import xlsxwriter

from app import formatting
from app.services.reports.registry import (DATE, DATETIME, INT, MONEY, NUMBER, PERCENT,
                                           iter_rows)

PROGRESS_EVERY = 2000

FORMATS = {
    INT: {"num_format": "0"},
    NUMBER: {"num_format": "#,##0.0#"},
    PERCENT: {"num_format": "0.0%"},
}


def formats():
    """Each column type's cell format in the current language: money with the currency's
    format and symbol, dates and times in the language's order (``dd.mm.yyyy`` in Russian)."""
    return {**FORMATS,
            MONEY: {"num_format": formatting.excel_money_format()},
            DATE: {"num_format": formatting.excel_date_format()},
            DATETIME: {"num_format": formatting.excel_datetime_format()}}


def _writer(worksheet, column, fmt):
    """A function writing one cell of ``column``'s type (None leaves the cell blank)."""
    kind = column.type
    if kind in (DATE, DATETIME):
        def write(row, col, value):
            if isinstance(value, (date, datetime)):
                worksheet.write_datetime(row, col, value, fmt)
            elif value is not None:
                worksheet.write_string(row, col, str(value))
    elif kind in (MONEY, INT, NUMBER, PERCENT):
        def write(row, col, value):
            if value is not None:
                worksheet.write_number(row, col, float(value), fmt)
    else:
        def write(row, col, value):
            if value is not None and value != "":
                worksheet.write_string(row, col, str(value))
    return write


def write_workbook(report, params, path, title=None, total=None, progress=None):
    """Write the report to ``path`` as .xlsx: bold header row, typed number/money/date
    formats, frozen header and an autofilter; returns the number of data rows written.
    ``progress(done, total)`` is called every few thousand rows."""
    cell_formats = formats()
    workbook = xlsxwriter.Workbook(path, {"constant_memory": True, "default_date_format":
                                          cell_formats[DATE]["num_format"]})
    try:
        worksheet = workbook.add_worksheet(str(title or report.title)[:31])
        header = workbook.add_format({"bold": True, "bg_color": "#DDE4EE", "border": 1,
                                      "text_wrap": True, "valign": "top"})
        writers = []
        for index, column in enumerate(report.columns):
            fmt = (workbook.add_format(cell_formats[column.type])
                   if column.type in cell_formats else None)
            worksheet.set_column(index, index, column.width, fmt)
            writers.append((column.key, _writer(worksheet, column, fmt)))
        for index, column in enumerate(report.columns):
            worksheet.write_string(0, index, str(column.title), header)
        worksheet.freeze_panes(1, 0)
        written = 0
        for written, row in enumerate(iter_rows(report, params), start=1):
            for col, (key, write) in enumerate(writers):
                write(written, col, row.get(key))
            if progress is not None and written % PROGRESS_EVERY == 0:
                progress(written, total)
        worksheet.autofilter(0, 0, max(written, 1), len(report.columns) - 1)
    finally:
        workbook.close()
    return written
