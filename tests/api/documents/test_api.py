"""POST /api/v1/document/ issues a document and starts its PDF job; GET reads it and its PDF."""
import subprocess

import pytest

from app.security import ADMIN, FRONT_DESK, INSTRUCTOR, MANAGER, STOREKEEPER
from tests.factories.documents import make_history, make_payment
from tests.factories.passes import make_client


@pytest.fixture
def inline_jobs(app):
    before = app.config.get("RQ_ASYNC", True)
    app.config["RQ_ASYNC"] = False
    yield
    app.config["RQ_ASYNC"] = before


def test_issue_follow_and_download_a_statement(app, db, login, inline_jobs, tmp_path):
    client, _pass = make_history(make_client(first_name="Анна", last_name="Պետրոսյան"))
    db.session.commit()
    desk = login(FRONT_DESK)
    response = desk.post("/api/v1/document/", json={"kind": "statement", "client_id": client.id,
                                                    "language": "hy"})
    assert response.status_code == 202, response.get_data(as_text=True)
    document = response.json["document"]
    assert document["number"].startswith("STM-") and document["language"] == "hy"
    status = desk.get(response.json["status_url"]).json
    assert status["status"] == "finished" and status["progress"] == 100
    assert status["kind"] == "document:pdf"
    shown = desk.get(f"/api/v1/document/{document['id']}")
    assert shown.status_code == 200 and shown.json["result"]["status"] == "issued"
    pdf = desk.get(shown.json["result"]["pdf_url"])
    assert pdf.status_code == 200 and pdf.data[:5] == b"%PDF-"
    path = tmp_path / "statement.pdf"
    path.write_bytes(pdf.data)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    assert "Պետրոսյան" in text and "Анна" in text
    assert "45,00" in text  # Armenian number format of the closing balance


def test_refusals_name_the_field(app, db, login):
    client = make_client()
    db.session.commit()
    desk = login(MANAGER)
    bad_kind = desk.post("/api/v1/document/", json={"kind": "poem", "client_id": client.id})
    assert bad_kind.status_code == 400 and bad_kind.json["field"] == "kind"
    no_subject = desk.post("/api/v1/document/", json={"kind": "statement"})
    assert no_subject.status_code == 400 and no_subject.json["field"] == "client"
    missing = desk.post("/api/v1/document/", json={"kind": "statement", "client_id": 999})
    assert missing.status_code == 404 and missing.json["field"] == "client"
    bad_date = desk.post("/api/v1/document/", json={"kind": "statement", "client_id": client.id,
                                                    "period_start": "soon"})
    assert bad_date.status_code == 400 and bad_date.json["field"] == "period_start"
    assert desk.get("/api/v1/document/999").status_code == 404


def test_pdf_not_ready_is_404_and_cancel_and_send(app, db, login, inline_jobs):
    client = make_client(email=None)
    payment = make_payment(client)
    db.session.commit()
    manager = login(MANAGER)
    issued = manager.post("/api/v1/document/", json={"kind": "receipt",
                                                     "payment_id": payment.id}).json
    doc_id = issued["document"]["id"]
    no_address = manager.post(f"/api/v1/document/{doc_id}/send", json={})
    assert no_address.status_code == 400 and no_address.json["field"] == "email"
    no_reason = manager.post(f"/api/v1/document/{doc_id}/cancel", json={})
    assert no_reason.status_code == 400 and no_reason.json["field"] == "reason"
    cancelled = manager.post(f"/api/v1/document/{doc_id}/cancel", json={"reason": "typo"})
    assert cancelled.status_code == 200 and cancelled.json["result"]["status"] == "cancelled"
    assert manager.post(f"/api/v1/document/{doc_id}/cancel",
                        json={"reason": "again"}).status_code == 409
    assert manager.post(f"/api/v1/document/{doc_id}/send",
                        json={"email": "a@b.c"}).status_code == 409


def test_permissions(app, db, login, api_token):
    client = make_client()
    db.session.commit()
    for role in (INSTRUCTOR, STOREKEEPER):
        refused = login(role).post("/api/v1/document/", json={"kind": "statement",
                                                              "client_id": client.id})
        assert refused.status_code in (401, 403)
    desk = login(FRONT_DESK)
    issued = desk.post("/api/v1/document/", json={"kind": "registration_card",
                                                  "client_id": client.id})
    assert issued.status_code == 202
    doc_id = issued.json["document"]["id"]
    assert desk.post(f"/api/v1/document/{doc_id}/cancel",
                     json={"reason": "x"}).status_code in (401, 403)
    headers = api_token(ADMIN)
    assert app.test_client().get(f"/api/v1/document/{doc_id}", headers=headers).status_code == 200
    # not printed yet (no worker ran): no PDF
    assert app.test_client().get(f"/api/v1/document/{doc_id}/pdf",
                                 headers=headers).status_code == 404


def test_subject_and_period_as_objects(app, db, login):
    from datetime import date

    client = make_client()
    db.session.commit()
    manager = login(MANAGER)
    response = manager.post("/api/v1/document/", json={
        "kind": "act", "subject": {"type": "client", "id": client.id},
        "period": {"start": "2026-01-01", "end": "2026-01-31"}})
    assert response.status_code == 202, response.get_data(as_text=True)
    document = response.json["document"]
    assert document["client_id"] == client.id
    assert (document["period_start"], document["period_end"]) == ("2026-01-01", "2026-01-31")
    assert date.fromisoformat(document["period_end"]).month == 1
    bad = manager.post("/api/v1/document/", json={"kind": "act", "subject": {"type": "cat"}})
    assert bad.status_code == 400 and bad.json["field"] == "subject"
    bad = manager.post("/api/v1/document/", json={"kind": "act", "client_id": client.id,
                                                  "period": "january"})
    assert bad.status_code == 400 and bad.json["field"] == "period"


def test_course_documents_through_the_api(app, db, login, inline_jobs, tmp_path):
    """An organisation's registration invoiced and a certified participant's certificate of
    completion issued by hand (the automatic ones use the same kinds), in Russian."""
    from app.services.courses import certificates
    from app.services.courses.registrations import register
    from tests.factories.courses import make_company, make_course

    course = make_course(title="Первая помощь", certificate_series="MED")
    company, people = make_company(people=2, short_name="Ромашка")
    registrations_, (first, second) = register(course.id, [{"client_id": p.id} for p in people],
                                               organisation_id=company.id)
    certificates.certify(course.id, first.id)
    private_registration, _ = register(course.id, [{"client_id": make_client().id}])
    db.session.commit()
    manager = login(MANAGER)
    invoice = manager.post("/api/v1/document/", json={
        "kind": "invoice", "subject": {"type": "registration", "id": registrations_[0].id},
        "language": "ru"})
    assert invoice.status_code == 202, invoice.get_data(as_text=True)
    assert invoice.json["document"]["organisation_id"] == company.id
    assert invoice.json["document"]["registration_id"] == registrations_[0].id
    private = manager.post("/api/v1/document/", json={
        "kind": "invoice", "registration_id": private_registration[0].id})
    assert private.status_code == 400 and private.json["field"] == "registration"
    uncertified = manager.post("/api/v1/document/", json={
        "kind": "course_certificate", "participant_id": second.id})
    assert uncertified.status_code == 400 and uncertified.json["field"] == "participant"
    certificate = manager.post("/api/v1/document/", json={
        "kind": "course_certificate", "participant_id": first.id, "language": "ru"})
    assert certificate.status_code == 202, certificate.get_data(as_text=True)
    document = certificate.json["document"]
    assert document["number"].startswith("CRT-") and document["client_id"] == people[0].id
    shown = manager.get(f"/api/v1/document/{document['id']}").json["result"]
    path = tmp_path / "certificate.pdf"
    path.write_bytes(manager.get(shown["pdf_url"]).data)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    assert "Первая помощь" in text and "MED-0001" in text and people[0].full_name in text
