"""Payroll documents: the payroll as an Excel workbook and one employee's payslip as a PDF.

Both are built from the stored lines (an approved payroll prints what was approved), in the
language of the user who asked, into ``REPORTS_FOLDER``; the caller gets the absolute path.
"""
import os
from datetime import datetime

import pdfkit
import xlsxwriter
from flask import current_app, render_template
from flask_babel import force_locale, gettext as _, lazy_gettext as _l

from app import formatting
from app.models.payroll import PAYROLL_STATUS_LABELS, RULE_KIND_LABELS
from app.services.staff import payroll as payroll_service
from app.services.platform import NotFound


def _report_path(name):
    folder = os.path.abspath(current_app.config["REPORTS_FOLDER"])
    os.makedirs(folder, exist_ok=True)
    return os.path.join(folder, f"{name}-{datetime.now():%Y%m%d-%H%M%S-%f}")


def _no_progress(done, total, **extra):
    return None


def build_payroll_xlsx(payroll_id, locale="en", progress=_no_progress):
    """Write the payroll's lines (one sheet) and per-employee totals (another) to an .xlsx:
    bold shaded headers, money and date formats, a frozen header row and an autofilter."""
    payroll = payroll_service.get_payroll(payroll_id)
    lines = payroll_service.payroll_lines(payroll.id)
    path = _report_path(f"payroll-{payroll.period_start:%Y%m%d}-{payroll.period_end:%Y%m%d}") + ".xlsx"
    with force_locale(locale):
        headers = [_("Employee"), _("Date"), _("Group"), _("Attendees"), _("Revenue"),
                   _("Rule"), _("Rate"), _("Amount")]
        kinds = {kind: str(label) for kind, label in RULE_KIND_LABELS.items()}
        sheet_names = (_("Lines"), _("Totals"))
        total_headers = [_("Employee"), _("Lines"), _("Amount")]
        status = str(PAYROLL_STATUS_LABELS.get(payroll.status, payroll.status))
        title = _("Payroll %(start)s – %(end)s (%(status)s)",
                  start=payroll.period_start.isoformat(), end=payroll.period_end.isoformat(),
                  status=status)
    workbook = xlsxwriter.Workbook(path, {"constant_memory": True})
    workbook.set_properties({"title": title})
    head = workbook.add_format({"bold": True, "bg_color": "#DDE4EE", "border": 1,
                                "text_wrap": True, "valign": "top"})
    money_format = formatting.excel_money_format(locale=locale)
    money = workbook.add_format({"num_format": money_format})
    money_bold = workbook.add_format({"num_format": money_format, "bold": True})
    day = workbook.add_format({"num_format": formatting.excel_date_format(locale)})
    bold = workbook.add_format({"bold": True})

    sheet = workbook.add_worksheet(sheet_names[0][:31])
    for col, width in enumerate((28, 12, 30, 10, 12, 20, 10, 12)):
        sheet.set_column(col, col, width)
    sheet.write_row(0, 0, headers, head)
    sheet.freeze_panes(1, 0)
    totals = {}
    for row, line in enumerate(lines, start=1):
        sheet.write_string(row, 0, line.employee_name)
        sheet.write_datetime(row, 1, datetime.combine(line.date, datetime.min.time()), day)
        sheet.write_string(row, 2, line.group_name or "")
        if line.attendees is not None:
            sheet.write_number(row, 3, line.attendees)
        if line.revenue is not None:
            sheet.write_number(row, 4, line.revenue, money)
        sheet.write_string(row, 5, kinds.get(line.rule_kind, line.rule_kind))
        if line.rate is not None:
            sheet.write_number(row, 6, line.rate, money)
        sheet.write_number(row, 7, line.amount, money)
        entry = totals.setdefault(line.employee_id, [line.employee_name, 0, 0])
        entry[1] += 1
        entry[2] += line.amount
        if row % 500 == 0:
            progress(row, len(lines) + 1)
    sheet.autofilter(0, 0, max(len(lines), 1), len(headers) - 1)

    summary = workbook.add_worksheet(sheet_names[1][:31])
    summary.set_column(0, 0, 28)
    summary.set_column(1, 2, 12)
    summary.write_row(0, 0, total_headers, head)
    summary.freeze_panes(1, 0)
    people = sorted(totals.values(), key=lambda entry: entry[0])
    for row, (name, count, amount) in enumerate(people, start=1):
        summary.write_string(row, 0, name)
        summary.write_number(row, 1, count)
        summary.write_number(row, 2, amount, money)
    summary.autofilter(0, 0, max(len(people), 1), len(total_headers) - 1)
    last = len(people) + 1
    summary.write_string(last, 0, str(title), bold)
    summary.write_number(last, 2, payroll.total, money_bold)
    workbook.close()
    progress(1, 1)
    return path


def payslip_context(payroll_id, employee_id):
    """What a payslip shows: the payroll, the employee's stored lines and their total."""
    payroll = payroll_service.get_payroll(payroll_id)
    people = payroll_service.group_by_employee(
        payroll_service.payroll_lines(payroll.id, {employee_id}))
    if not people:
        raise NotFound(_l("This payroll has no lines for this employee."))
    return dict(payroll=payroll, person=people[0], kinds=RULE_KIND_LABELS,
                statuses=PAYROLL_STATUS_LABELS)


def build_payslip_pdf(payroll_id, employee_id, locale="en", progress=_no_progress):
    """Render the employee's payslip (Jinja, in ``locale``) and print it to PDF with
    wkhtmltopdf; Noto fonts cover Latin, Cyrillic and Armenian."""
    context = payslip_context(payroll_id, employee_id)
    with force_locale(locale):
        html = render_template("staff/payslip_document.html", locale=locale, **context)
    progress(1, 2)
    payroll = context["payroll"]
    path = _report_path(f"payslip-{payroll.period_start:%Y%m%d}-{employee_id}") + ".pdf"
    configuration = pdfkit.configuration(wkhtmltopdf=current_app.config["WKHTMLTOPDF_PATH"])
    pdfkit.from_string(html, path, configuration=configuration,
                       options={"encoding": "UTF-8", "quiet": "", "page-size": "A4"})
    progress(2, 2)
    return path
