"""POST /api/v1/report/<name> starts a job; progress and the file come through /api/v1/job."""
import io

import openpyxl
import pytest

from app.security import ACCOUNTANT, ADMIN, FRONT_DESK, MANAGER
from tests.factories.reports import build_centre


@pytest.fixture
def inline_jobs(app):
    before = app.config.get("RQ_ASYNC", True)
    app.config["RQ_ASYNC"] = False
    yield
    app.config["RQ_ASYNC"] = before


def test_start_follow_and_download_a_report(app, db, login, inline_jobs):
    build_centre()
    owner = login(MANAGER)
    response = owner.post("/api/v1/report/revenue", json={
        "date_from": "2026-02-01", "date_to": "2026-04-30", "format": "xlsx"})
    assert response.status_code == 202, response.get_data(as_text=True)
    job_id = response.json["id"]
    status = owner.get(f"/api/v1/job/{job_id}").json
    assert status["status"] == "finished" and status["progress"] == 100
    assert status["kind"] == "report:revenue:xlsx"
    download = owner.get(status["result_url"])
    assert download.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(download.data)).active
    assert sheet["A1"].value == "Month" and sheet.max_row > 2
    # someone else's file: refused; Admin may
    assert login(MANAGER).get(f"/api/v1/job/{job_id}/download").status_code == 403
    assert login(ACCOUNTANT).get(f"/api/v1/job/{job_id}").status_code == 403
    assert login(ADMIN).get(f"/api/v1/job/{job_id}/download").status_code == 200


def test_pdf_through_the_api(app, db, login, inline_jobs):
    build_centre()
    client = login(ACCOUNTANT)
    response = client.post("/api/v1/report/instructors", json={
        "date_from": "2026-03-01", "date_to": "2026-03-31", "format": "pdf"})
    assert response.status_code == 202
    status = client.get(f"/api/v1/job/{response.json['id']}").json
    assert client.get(status["result_url"]).data[:5] == b"%PDF-"


def test_bad_requests(app, db, login, api_token):
    client = login(MANAGER)
    assert client.post("/api/v1/report/nope", json={}).status_code == 404
    bad = client.post("/api/v1/report/revenue", json={"date_from": "soon"})
    assert bad.status_code == 400 and bad.json["field"] == "date_from"
    assert client.post("/api/v1/report/attendance", json={"format": "pdf"}).status_code == 400
    assert client.post("/api/v1/report/debts", json={"format": "doc"}).status_code == 400


def test_permissions(app, db, login, api_token, inline_jobs):
    assert login(FRONT_DESK).post("/api/v1/report/debts", json={}).status_code in (401, 403)
    headers = api_token(MANAGER)
    response = app.test_client().post("/api/v1/report/debts", json={}, headers=headers)
    assert response.status_code == 202
    catalogue = app.test_client().get("/api/v1/report/", headers=headers)
    assert catalogue.status_code == 200
    assert "debts" in {r["name"] for r in catalogue.json["result"]}
    assert app.test_client().get("/api/v1/report/",
                                 headers=api_token(FRONT_DESK)).status_code in (401, 403)


def test_dashboard_api_for_every_chart(app, db, login):
    from app.services.reports.dashboard import CHARTS

    build_centre()
    client = login(MANAGER)
    for name in CHARTS:
        response = client.get(f"/api/v1/dashboard/{name}?date_from=2026-01-01"
                              "&date_to=2026-04-30")
        assert response.status_code == 200, name
        assert response.json["title"]
    assert client.get("/api/v1/dashboard/nope").status_code == 404
    assert client.get("/api/v1/dashboard/debts?date_from=2026-05-01&date_to=2026-01-01") \
        .status_code == 400
