"""Excel import of clients (all-or-nothing with a row-by-row error report) and export."""
import io
from datetime import date

import pytest
import xlsxwriter
from openpyxl import load_workbook
from sqlalchemy import func, select

from app.models.clients import Client, Guardian
from app.security import FRONT_DESK, MANAGER
from app.services.clients import export as clients_export
from app.services.clients import importing as exchange
from tests.factories.clients import make_category, make_client, make_organisation

HEADER = ["last_name", "first_name", "birth_date", "phone", "card_number", "category",
          "organisation", "consent_email", "medical_notes", "guardian_name", "guardian_relation",
          "guardian_phone"]


def _xlsx(rows, header=HEADER):
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet()
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    for col, key in enumerate(header):
        sheet.write(0, col, key)
    for r, row in enumerate(rows, start=1):
        for col, key in enumerate(header):
            value = row.get(key)
            if isinstance(value, date):
                sheet.write_datetime(r, col, value, date_format)
            elif value is not None:
                sheet.write(r, col, value)
    workbook.close()
    return buffer.getvalue()


def _adult(n, **extra):
    row = {"last_name": f"Martin{n}", "first_name": "Paul", "birth_date": "1985-02-03",
           "phone": f"+33 6 00 {n:06d}", "card_number": f"IMP-{n:05d}"}
    row.update(extra)
    return row


def _minor_birth():
    return date(date.today().year - 8, 5, 5)


def _count(db, model=Client):
    return db.session.scalar(select(func.count()).select_from(model))


def _report_rows(path):
    sheet = load_workbook(path, read_only=True).worksheets[0]
    return list(sheet.iter_rows(values_only=True))[1:]


def test_import_creates_clients_and_guardians(db):
    make_category("VIP")
    make_organisation(short_name="Банк Восход")
    data = _xlsx([
        _adult(1, category="vip", organisation="БАНК ВОСХОД", consent_email="yes"),
        {"last_name": "Ёлкин", "first_name": "Артём", "birth_date": _minor_birth(),
         "guardian_name": "Наталья Ёлкина", "guardian_relation": "мать",
         "guardian_phone": "+7 495 123-45-67"},
        {"last_name": "Dubois", "first_name": "Léa", "birth_date": "02.04.2016",
         "guardian_name": "Claire Dubois"},
    ])
    result = exchange.import_clients(data)
    assert result.ok and result.created == 3
    db.session.remove()
    martin = db.session.scalar(select(Client).where(Client.card_number == "IMP-00001"))
    assert martin.category.name == "VIP" and martin.organisation.short_name == "Банк Восход"
    assert martin.consent_email and martin.phone_digits == "3360000000" + "1"
    yolkin = db.session.scalar(select(Client).where(Client.search_name.like("%елкин%")))
    assert [g.phone_digits for g in yolkin.guardians] == ["74951234567"]
    assert _count(db, Guardian) == 2


def test_one_bad_row_among_a_thousand_imports_nothing(db):
    rows = [_adult(n) for n in range(1, 1001)]
    rows.insert(500, {"last_name": "Petit", "first_name": "Zoé", "birth_date": _minor_birth()})
    result = exchange.import_clients(_xlsx(rows))
    assert not result.ok and result.created == 0
    assert _count(db) == 0 and _count(db, Guardian) == 0
    (error,) = result.errors
    assert error[0] == 502 and "guardian" in str(error[3])
    report = _report_rows(result.report_path)
    assert report == [(502, "guardian_name", "", str(error[3]))]


@pytest.mark.parametrize("row, column, message", [
    ({"last_name": "", "first_name": "A"}, "last_name", "last name is missing"),
    ({"last_name": "A", "first_name": ""}, "first_name", "first name is missing"),
    ({"last_name": "A", "first_name": "B", "birth_date": "31/02/2001"}, "birth_date",
     "Not a date"),
    ({"last_name": "A", "first_name": "B", "birth_date": "yesterday"}, "birth_date",
     "Not a date"),
    ({"last_name": "A", "first_name": "B", "birth_date": "2999-01-01"}, "birth_date",
     "future"),
    ({"last_name": "A", "first_name": "B", "category": "Gold"}, "category", "Not found"),
    ({"last_name": "A", "first_name": "B", "guardian_phone": "123456"}, "guardian_name",
     "guardian's name is missing"),
])
def test_each_kind_of_bad_row_is_reported(db, row, column, message):
    result = exchange.import_clients(_xlsx([_adult(1), row]))
    assert _count(db) == 0
    assert [(e[0], e[1]) for e in result.errors] == [(3, column)]
    assert message in str(result.errors[0][3])


def test_duplicate_card_numbers_in_file_and_database(db):
    make_client(card_number="IMP-00007")
    rows = [_adult(1), _adult(2, card_number="IMP-00001"), _adult(7)]
    result = exchange.import_clients(_xlsx(rows))
    assert _count(db) == 1
    assert sorted((e[0], e[1]) for e in result.errors) == [(3, "card_number"),
                                                          (4, "card_number")]
    assert "row 2" in str(result.errors[0][3]) or "row 2" in str(result.errors[1][3])


def test_medical_notes_column_needs_permission(db):
    rows = [_adult(1, medical_notes="asthma")]
    refused = exchange.import_clients(_xlsx(rows), allow_medical=False)
    assert [e[1] for e in refused.errors] == ["medical_notes"] and _count(db) == 0
    accepted = exchange.import_clients(_xlsx(rows), allow_medical=True)
    assert accepted.ok
    assert db.session.scalar(select(Client.medical_notes)) == "asthma"


def test_not_an_excel_file_and_missing_header(db):
    from app.services.platform.errors import DomainError

    with pytest.raises(DomainError):
        exchange.import_clients(b"hello")
    with pytest.raises(DomainError):
        exchange.import_clients(_xlsx([{"x": 1}], header=["x"]))
    result = exchange.import_clients(_xlsx([]))
    assert not result.ok and _count(db) == 0


def test_template_can_be_read_back_by_the_importer(db):
    template = exchange.build_import_template()
    sheet = load_workbook(io.BytesIO(template), read_only=True).worksheets[0]
    header = next(sheet.iter_rows(values_only=True))
    assert list(header) == exchange.IMPORT_KEYS
    result = exchange.import_clients(template)
    assert result.ok and result.created == 1
    assert db.session.scalar(select(Guardian.full_name)) == "Claire Dupont"


def test_export_streams_all_rows_in_order(db):
    for n in range(5):
        make_client(last_name=f"Name{n}", medical_notes="secret")
    buffer = io.BytesIO()
    query = db.session.query(Client).order_by(Client.last_name.desc())
    assert clients_export.export_clients(query, buffer, include_medical=False, batch=2) == 5
    rows = list(load_workbook(io.BytesIO(buffer.getvalue()), read_only=True)
                .worksheets[0].iter_rows(values_only=True))
    assert [r[1] for r in rows[1:]] == [f"Name{n}" for n in range(4, -1, -1)]
    assert "secret" not in {v for r in rows for v in r}


# --- through the pages ------------------------------------------------------------------------

def test_import_page_rolls_back_and_offers_report(db, login):
    client = login(MANAGER)
    data = _xlsx([_adult(1), {"last_name": "X", "first_name": "Y", "birth_date": "bad"}])
    response = client.post("/clients/excel/import", data={"file": (io.BytesIO(data), "c.xlsx")},
                           content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Nothing was imported" in page and "Not a date" in page
    assert _count(db) == 0
    import re

    link = re.search(r'href="(/clients/excel/import/report/[^"]+)"', page).group(1)
    report = client.get(link)
    assert report.status_code == 200
    assert load_workbook(io.BytesIO(report.data), read_only=True).worksheets[0].max_row == 2
    assert client.get("/clients/excel/import/report/..%2Fsecret").status_code == 404


def test_import_page_success_and_template(db, login):
    client = login(MANAGER)
    template = client.get("/clients/excel/import/template")
    assert template.status_code == 200
    response = client.post("/clients/excel/import", data={
        "file": (io.BytesIO(_xlsx([_adult(1), _adult(2)])), "c.xlsx")},
        content_type="multipart/form-data")
    assert "2 clients imported" in response.get_data(as_text=True)
    assert _count(db) == 2


def test_import_refused_without_permission(db, login):
    response = login(FRONT_DESK).post("/clients/excel/import", data={
        "file": (io.BytesIO(_xlsx([_adult(1)])), "c.xlsx")}, content_type="multipart/form-data")
    assert response.status_code in (302, 403)
    assert _count(db) == 0
