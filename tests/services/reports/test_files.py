"""Report files: Excel read back with openpyxl, PDF through pdftotext, built by the RQ job."""
import os
import subprocess
from datetime import datetime
from decimal import Decimal

import openpyxl
import pytest

from app.services.platform.errors import DomainError
from app.services.reports import get_report, iter_rows, parse_params
from app.jobs.reports import start_report
from app.services.reports.files import build_report_file
from tests.factories.reports import build_centre


@pytest.fixture
def centre(db, make_user):
    return build_centre(managers=[make_user("Manager").id])


@pytest.fixture
def inline_jobs(app):
    """Jobs run at enqueue time (RQ's synchronous mode), restored afterwards."""
    before = app.config.get("RQ_ASYNC", True)
    app.config["RQ_ASYNC"] = False
    yield
    app.config["RQ_ASYNC"] = before


def test_excel_has_formatted_header_typed_cells_frozen_pane_and_autofilter(app, db, centre):
    params = {"date_from": "2026-03-01", "date_to": "2026-03-31"}
    seen = []
    path = build_report_file("attendance", params, "xlsx",
                             progress=lambda done, total: seen.append((done, total)))
    assert os.path.isabs(path) and path.startswith(os.path.abspath(app.config["REPORTS_FOLDER"]))
    report = get_report("attendance")
    expected = list(iter_rows(report, parse_params(report, params)))
    sheet = openpyxl.load_workbook(path).active
    header = [cell.value for cell in sheet[1]]
    assert header == [str(c.title) for c in report.columns]
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:G{len(expected) + 1}"
    assert sheet.max_row == len(expected) + 1
    first = sheet[2]
    assert isinstance(first[0].value, datetime) and first[0].value == expected[0]["starts_at"]
    assert first[0].number_format == "m/d/yyyy h:mm AM/PM"  # English order, 12-hour clock
    money_cells = [row[6] for row in sheet.iter_rows(min_row=2) if row[6].value is not None]
    assert money_cells and all(c.number_format == '"€"#,##0.00' for c in money_cells)
    total = sum(Decimal(str(c.value)) for c in money_cells)
    assert total == sum(r["value"] or 0 for r in expected)
    assert [row[4].value for row in sheet.iter_rows(min_row=2)] == [r["client"] for r in expected]
    assert seen[0] == (0, len(expected)) and seen[-1] == (1, 1)



def test_excel_writes_text_as_text_and_statuses_by_their_labels(app, db, centre):
    """A name that looks like a formula or a link stays the text typed (no formula injection);
    a mark's status is its label in the user's language, not the stored code."""
    from app.models.clients import Client
    clients = db.session.scalars(db.select(Client).order_by(Client.id)).all()
    for client in clients:
        client.last_name, client.first_name = "=HYPERLINK(\"http://x\")", "http://y.example"
    db.session.commit()
    path = build_report_file("attendance", {"date_from": "2026-03-01",
                                            "date_to": "2026-03-31"}, "xlsx", locale="ru")
    sheet = openpyxl.load_workbook(path).active
    rows = list(sheet.iter_rows(min_row=2))
    assert rows and {row[4].data_type for row in rows} == {"s"}
    assert {row[4].value for row in rows} == {'=HYPERLINK("http://x") http://y.example'}
    assert not sheet._hyperlinks
    assert {row[5].value for row in rows} <= {"присутствовал", "отсутствовал",
                                              "по уважительной причине", "опоздал"}

def test_excel_percent_and_date_columns(app, db, centre):
    path = build_report_file("instructors", {"date_from": "2026-03-01",
                                             "date_to": "2026-03-31"}, "xlsx")
    sheet = openpyxl.load_workbook(path).active
    share = sheet.cell(row=2, column=6)
    assert share.number_format == "0.0%" and 0 <= share.value <= 1
    path = build_report_file("debts", {"on": "2026-05-10"}, "xlsx")
    sheet = openpyxl.load_workbook(path).active
    since = sheet.cell(row=2, column=4)
    assert isinstance(since.value, datetime) and since.number_format == "m/d/yyyy"


@pytest.mark.parametrize("locale,money,day,moment", [
    ("ru", '#,##0.00 "€"', "dd.mm.yyyy", "dd.mm.yyyy hh:mm"),
    ("fr", '#,##0.00 "€"', "dd/mm/yyyy", "dd/mm/yyyy hh:mm"),
    ("uk", '#,##0.00 "€"', "dd.mm.yyyy", "dd.mm.yyyy hh:mm"),
    ("en", '"€"#,##0.00', "m/d/yyyy", "m/d/yyyy h:mm AM/PM")])
def test_excel_money_and_dates_in_the_users_language(app, db, centre, locale, money, day,
                                                     moment):
    """Money cells carry the currency's format with one symbol (CLDR's Ukrainian says "EUR",
    ours says "€" everywhere); dates and times the language's order."""
    path = build_report_file("attendance", {"date_from": "2026-03-01",
                                            "date_to": "2026-03-31"}, "xlsx", locale=locale)
    sheet = openpyxl.load_workbook(path).active
    assert sheet.cell(row=2, column=1).number_format == moment
    amounts = [row[6] for row in sheet.iter_rows(min_row=2) if row[6].value is not None]
    assert amounts and {cell.number_format for cell in amounts} == {money}
    path = build_report_file("debts", {"on": "2026-05-10"}, "xlsx", locale=locale)
    since = openpyxl.load_workbook(path).active.cell(row=2, column=4)
    assert isinstance(since.value, datetime) and since.number_format == day


def test_excel_of_an_empty_report_still_has_its_header(app, db):
    path = build_report_file("revenue", {"date_from": "2020-01-01", "date_to": "2020-01-31"},
                             "xlsx")
    sheet = openpyxl.load_workbook(path).active
    assert sheet.max_row == 1 and sheet["A1"].value == "Month"


def _pdf_text(path):
    return subprocess.run(["pdftotext", "-layout", path, "-"], capture_output=True, text=True,
                          check=True).stdout


def test_pdf_is_a_pdf_with_the_figures(app, db, centre):
    from app.models.staff import Employee
    from app.extensions import db as database

    database.session.get(Employee, centre["employees"][2].id).full_name = "Կարլա Սարգսյան"
    database.session.commit()
    with app.test_request_context():
        path = build_report_file("instructors", {"date_from": "2026-03-01",
                                                 "date_to": "2026-03-31"}, "pdf")
    with open(path, "rb") as handle:
        assert handle.read(5) == b"%PDF-"
    content = _pdf_text(path)
    assert "Instructor league table" in content
    assert "Alice Martin" in content and "Կարլա Սարգսյան" in content
    assert "Total" in content


def test_pdf_shows_cyrillic_names(app, db, centre):
    from app.models.clients import Client

    report = get_report("debts")
    debtor = next(iter_rows(report, parse_params(report, {"on": "2026-05-10"})))
    db.session.get(Client, debtor["client_id"]).last_name = "Иванова"
    db.session.commit()
    with app.test_request_context():
        path = build_report_file("debts", {"on": "2026-05-10"}, "pdf", locale="ru")
    assert "Иванова" in _pdf_text(path)


def test_pdf_only_for_printable_reports(app, db):
    with pytest.raises(DomainError):
        build_report_file("attendance", {}, "pdf")
    with pytest.raises(DomainError):
        build_report_file("debts", {}, "csv")


def test_start_report_runs_the_job_and_records_the_file(app, db, centre, make_user,
                                                        inline_jobs):
    from app.models.jobs import JobRecord

    user_id = make_user("Manager").id  # the inline job ends by removing the session
    job = start_report("revenue", {"date_from": "2026-02-01", "date_to": "2026-04-30"},
                       "xlsx", user_id, "en")
    record = db.session.query(JobRecord).filter_by(rq_id=job.id).one()
    db.session.refresh(record)
    assert record.kind == "report:revenue:xlsx" and record.user_id == user_id
    assert record.status == "finished" and os.path.isfile(record.result_path)
    assert job.meta["progress"] == 100
    sheet = openpyxl.load_workbook(record.result_path).active
    assert sheet.max_row > 2


def test_start_report_refuses_bad_parameters_before_enqueueing(app, db, make_user):
    from app.models.jobs import JobRecord

    user = make_user("Manager")
    with pytest.raises(DomainError):
        start_report("revenue", {"date_from": "yesterday"}, "xlsx", user.id)
    assert db.session.query(JobRecord).count() == 0


def test_expired_report_files_are_purged_and_shown_as_deleted(app, db, make_user, inline_jobs):
    from app.jobs.platform import purge_expired_files
    from app.services.reports.files import user_reports

    user_id = make_user("Manager").id
    job = start_report("debts", {}, "xlsx", user_id)
    [item] = user_reports(user_id)
    assert item["available"] and item["status"] == "finished"
    from app.models.jobs import JobRecord

    path = db.session.query(JobRecord).filter_by(rq_id=job.id).one().result_path
    os.utime(path, (0, 0))
    purge_expired_files(max_age_days=app.config.get("REPORT_RETENTION_DAYS", 14))
    assert not os.path.exists(path)
    [item] = user_reports(user_id)
    assert item["expired"] and not item["available"]


def test_every_report_builds_in_every_format_it_offers(app, db, centre):
    from app.services.reports import all_reports

    for report in all_reports():
        params = {"date_from": "2026-02-01", "date_to": "2026-04-30", "on": "2026-03-20",
                  "kind": "owed_visits"}
        path = build_report_file(report.name, params, "xlsx")
        sheet = openpyxl.load_workbook(path).active
        assert [c.value for c in sheet[1]] == [str(c.title) for c in report.columns]
        assert sheet.max_row > 1, report.name
        if report.printable:
            with app.test_request_context():
                pdf = build_report_file(report.name, params, "pdf")
            assert str(report.title) in _pdf_text(pdf), report.name


@pytest.mark.parametrize("locale", ["en", "hy"])
def test_every_reports_excel_cells_are_the_rows_it_shows(app, db, centre, locale):
    """The database makes the date, time and label cells of a plain report (no Python per
    row); every cell of every report still reads back as the row the report shows: days as
    their midnight, times to the millisecond, labels in the user's language, money exact."""
    from datetime import date, timedelta

    from flask_babel import force_locale

    from app.services.reports import all_reports
    from app.services.reports.attendance import STATUS_LABELS
    from app.services.reports.registry import DATE, DATETIME, MONEY

    params = {"date_from": "2026-02-01", "date_to": "2026-04-30", "on": "2026-03-20",
              "kind": "owed_visits"}
    for report in all_reports():
        path = build_report_file(report.name, params, "xlsx", locale=locale)
        with force_locale(locale):
            expected = list(iter_rows(report, parse_params(report, params)))
        cells = [[cell.value for cell in row]
                 for row in openpyxl.load_workbook(path).active.iter_rows(min_row=2)]
        assert len(cells) == len(expected), report.name
        for row, shown in zip(cells, expected):
            for cell, column in zip(row, report.columns):
                value = shown.get(column.key)
                if value is None:
                    assert cell is None, (report.name, column.key)
                elif column.type == DATE:
                    assert cell == datetime.combine(value, datetime.min.time()), report.name
                elif column.type == DATETIME:
                    assert abs(cell - value) < timedelta(milliseconds=1), report.name
                elif column.type == MONEY:
                    assert Decimal(str(cell)) == value, (report.name, column.key)
                elif isinstance(value, (int, float, Decimal)):
                    assert cell == pytest.approx(float(value)), (report.name, column.key)
                else:
                    assert cell == str(value), (report.name, column.key)
                assert not isinstance(value, date) or column.type in (DATE, DATETIME)
        if report.name == "attendance":  # the labels, not the stored codes
            with force_locale(locale):
                labels = {str(label) for label in STATUS_LABELS.values()}
            assert cells and {row[5] for row in cells} <= labels
            assert locale == "en" or not labels & set(STATUS_LABELS)  # English codes are words


def test_print_template_fetches_nothing(app, db, centre):
    from app.services.reports.pdf import render_print_html

    report = get_report("instructors")
    with app.test_request_context():
        html = render_print_html(report, parse_params(report, {}))
    assert "http://" not in html and "https://" not in html and "<script" not in html
