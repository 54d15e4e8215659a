"""Printable reports as PDF: a print template rendered to HTML, then wkhtmltopdf (pdfkit).

The Noto fonts (fonts-noto-core) cover Latin, Cyrillic and Armenian; wkhtmltopdf never fetches
anything over the network (``--disable-external-links``, no remote assets in the template)."""
from datetime import date as date_type, datetime

import pdfkit
from flask import current_app, render_template

from app.services.reports.registry import iter_rows

PDF_MAX_ROWS = 5000


def _rows_and_totals(report, params, limit):
    rows, totals = [], {key: 0 for key in report.summary}
    truncated = False
    for row in iter_rows(report, params, limit=limit + 1):
        if len(rows) == limit:
            truncated = True
            break
        rows.append(row)
        for key in report.summary:
            totals[key] += row.get(key) or 0
    return rows, totals, truncated


def describe_params(report, params):
    """(label, shown value) of each parameter that has a value: dates formatted, choices and
    picked records by name."""
    from app.formatting import date as format_date
    from app.services.reports.choices import param_fields

    shown = []
    for field in param_fields(report, params):
        value = params.get(field["name"])
        if value is None or value == "":
            continue
        if isinstance(value, date_type):
            text = format_date(value)
        elif field["options"] is not None:
            text = dict(field["options"]).get(str(value), str(value))
        else:
            text = str(value)
        shown.append((field["label"], text))
    return shown


def render_print_html(report, params, limit=PDF_MAX_ROWS):
    """The report as a standalone HTML page for printing (also what the PDF is made from)."""
    rows, totals, truncated = _rows_and_totals(report, params, limit)
    return render_template("reports/print.html", report=report,
                           shown_params=describe_params(report, params), rows=rows,
                           totals=totals, truncated=truncated, limit=limit,
                           built_at=datetime.now())


def write_pdf(report, params, path):
    """Write the printable report to ``path`` as PDF; returns the path."""
    html = render_print_html(report, params)
    configuration = pdfkit.configuration(wkhtmltopdf=current_app.config["WKHTMLTOPDF_PATH"])
    options = {
        "encoding": "UTF-8",
        "page-size": "A4",
        "orientation": "Landscape" if report.landscape else "Portrait",
        "margin-top": "12mm", "margin-bottom": "12mm", "margin-left": "10mm",
        "margin-right": "10mm",
        "disable-external-links": "",
        "quiet": "",
    }
    pdfkit.from_string(html, path, configuration=configuration, options=options)
    return path
