"""Payroll documents built in the background (queue "reports"); each returns the file path."""
from app.jobs import app_job, report_progress
from app.services.staff import payroll_exports


@app_job
def export_payroll_xlsx(payroll_id, locale="en"):
    """The payroll as an Excel workbook."""
    return payroll_exports.build_payroll_xlsx(payroll_id, locale, progress=report_progress)


@app_job
def build_payslip_pdf(payroll_id, employee_id, locale="en"):
    """One employee's payslip as a PDF."""
    return payroll_exports.build_payslip_pdf(payroll_id, employee_id, locale,
                                             progress=report_progress)
