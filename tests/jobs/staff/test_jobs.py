"""Payroll documents built by the "reports" worker: the Excel workbook and a payslip PDF."""
import io
import subprocess
from datetime import date
from decimal import Decimal

import openpyxl
from rq import SimpleWorker

from app.jobs import get_queue, redis_connection
from app.models.payroll import FIXED_MONTHLY, PER_ATTENDEE
from app.security import ACCOUNTANT
from app.services.staff import payroll as service
from tests.factories.payroll import at, make_attendance, make_employee, make_lesson, make_rule

JAN_START, JAN_END = date(2026, 1, 1), date(2026, 1, 31)


def _run_reports_worker(app):
    connection = redis_connection()
    SimpleWorker([get_queue("reports", connection)], connection=connection).work(burst=True)


def _build(app, client, url):
    saved = app.config.get("RQ_ASYNC")
    app.config["RQ_ASYNC"] = True
    try:
        started = client.post(url)
        assert started.status_code == 200, started.get_data(as_text=True)
        job_id = started.json["job_id"]
        assert client.get(f"/api/v1/job/{job_id}").json["status"] == "queued"
        _run_reports_worker(app)
    finally:
        app.config["RQ_ASYNC"] = saved
    status = client.get(f"/api/v1/job/{job_id}").json
    assert status["status"] == "finished" and status["progress"] == 100, status
    download = client.get(status["result_url"])
    assert download.status_code == 200
    return download.data


def _payroll(db):
    aram = make_employee(full_name="Արամ Պետրոսյան")
    irina = make_employee(full_name="Ирина Смирнова")
    make_rule(aram, PER_ATTENDEE, amount=Decimal("2.50"))
    make_rule(irina, FIXED_MONTHLY, amount=Decimal("1234.56"))
    lesson = make_lesson(aram, at(date(2026, 1, 9)))
    for _ in range(4):
        make_attendance(lesson, value="11")
    db.session.commit()
    payroll = service.calculate_draft(JAN_START, JAN_END)
    service.approve_payroll(payroll.id, None)
    return payroll.id, aram.id, irina.id


def test_excel_export_content(app, db, login):
    payroll_id, _aram, _irina = _payroll(db)
    data = _build(app, login(ACCOUNTANT), f"/payroll/{payroll_id}/export")

    workbook = openpyxl.load_workbook(io.BytesIO(data))
    lines, totals = workbook.worksheets
    rows = list(lines.iter_rows(values_only=True))
    assert rows[0] == ("Employee", "Date", "Group", "Attendees", "Revenue", "Rule", "Rate",
                       "Amount")
    assert rows[1][0] == "Ирина Смирнова" and rows[1][5] == "Fixed monthly"
    assert rows[1][7] == 1234.56
    assert rows[2][0] == "Արամ Պետրոսյան" and rows[2][3] == 4 and rows[2][4] == 44
    assert rows[2][1].date() == date(2026, 1, 9) and rows[2][7] == 10
    assert lines.freeze_panes == "A2"
    assert lines.auto_filter.ref == "A1:H3"
    assert lines["H2"].number_format == '"€"#,##0.00' and lines["A1"].font.b
    total_rows = list(totals.iter_rows(values_only=True))
    assert total_rows[-1][2] == 1244.56


def test_payslip_pdf(app, db, login, tmp_path):
    payroll_id, aram_id, _irina = _payroll(db)
    client = login(ACCOUNTANT)
    client.get("/lang/ru")  # the payslip is printed in the user's language
    data = _build(app, client, f"/payslips/{payroll_id}/{aram_id}/pdf")

    assert data.startswith(b"%PDF")
    pdf = tmp_path / "payslip.pdf"
    pdf.write_bytes(data)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "Արամ Պետրոսյան" in text
    assert "Ирина" not in text  # only the employee's own lines
    assert "10,00" in text and "янв" in text  # Russian money and date formats
