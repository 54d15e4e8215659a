"""The cash shift API and pages: open, see the totals, close once; the report for the office."""
from datetime import date

from app.security import ACCOUNTANT, FRONT_DESK, INSTRUCTOR


def test_open_pay_close_through_the_api(app, db, api_token):
    headers = api_token(FRONT_DESK)
    api = app.test_client()
    assert api.get("/api/v1/cashshift/", headers=headers).json["result"] is None
    bad = api.post("/api/v1/cashshift/open", headers=headers, json={"opening_float": 1e309})
    assert bad.status_code == 400 and bad.json["field"] == "opening_float"
    opened = api.post("/api/v1/cashshift/open", headers=headers, json={"opening_float": "80.00"})
    assert opened.status_code == 201, opened.json
    shift_id = opened.json["result"]["id"]
    again = api.post("/api/v1/cashshift/open", headers=headers, json={"opening_float": "80.00"})
    assert again.status_code == 409
    closed = api.post(f"/api/v1/cashshift/{shift_id}/close", headers=headers,
                      json={"counted_cash": "75.00", "note": "short"})
    assert closed.status_code == 200, closed.json
    result = closed.json["result"]
    assert (result["expected_cash"], result["counted_cash"], result["difference"]) == (
        "80.00", "75.00", "-5.00")
    twice = api.post(f"/api/v1/cashshift/{shift_id}/close", headers=headers,
                     json={"counted_cash": "80.00"})
    assert twice.status_code == 409


def test_another_cashier_cannot_close_my_shift(app, db, api_token):
    mine, theirs = api_token(FRONT_DESK), api_token(FRONT_DESK)
    api = app.test_client()
    shift_id = api.post("/api/v1/cashshift/open", headers=mine,
                        json={"opening_float": "10"}).json["result"]["id"]
    refused = api.post(f"/api/v1/cashshift/{shift_id}/close", headers=theirs,
                       json={"counted_cash": "10"})
    assert refused.status_code == 400


def test_pages_by_role(app, db, login):
    desk = login(FRONT_DESK)
    page = desk.get("/cash-desk/")
    assert page.status_code == 200 and "Open my shift" in page.get_data(as_text=True)
    desk.post("/cash-desk/open", data={"opening_float": "abc"})
    assert "Enter an amount of money." in desk.get("/cash-desk/").get_data(as_text=True)
    desk.post("/cash-desk/open", data={"opening_float": "25.00"})
    assert "Close my shift" in desk.get("/cash-desk/").get_data(as_text=True)
    assert desk.get("/cash-report/").status_code in (302, 403)  # the office's report, not the desk's
    office = login(ACCOUNTANT)
    report = office.get(f"/cash-report/?day={date.today().isoformat()}")
    assert report.status_code == 200 and "cash-report" in report.get_data(as_text=True)
    assert office.get("/cash-desk/").status_code in (302, 403)
    assert login(INSTRUCTOR).get("/cash-desk/").status_code in (302, 403)
