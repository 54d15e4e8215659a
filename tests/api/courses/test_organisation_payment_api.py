"""POST /api/v1/organisationpayment/: an organisation's payment under money's rules — a
translated 409 naming the shift without the cashier's open shift (when required), then
recorded against the shift with its receipt; bad input is a 400 naming the field."""

import pytest
from sqlalchemy import select

from app.models.courses import OrganisationPayment
from app.models.documents import Document
from app.security import FRONT_DESK
from tests.factories.courses import make_company

URL = "/api/v1/organisationpayment/"


@pytest.fixture
def desk_rules(app):
    saved = {k: app.config.get(k) for k in ("PAYMENTS_REQUIRE_OPEN_SHIFT", "AUTO_RECEIPTS")}
    app.config.update(PAYMENTS_REQUIRE_OPEN_SHIFT=True, AUTO_RECEIPTS=True)
    yield
    app.config.update(saved)


def test_refused_409_in_the_callers_language_then_recorded_in_the_shift(app, db, api_token,
                                                                        desk_rules):
    headers = api_token(FRONT_DESK)
    company, _ = make_company(short_name="Acme")
    db.session.commit()
    api = app.test_client()
    body = {"organisation_id": company.id, "amount": "150.00", "method": "cash"}
    refused = api.post(URL, headers={**headers, "Accept-Language": "ru"}, json=body)
    assert refused.status_code == 409, refused.json
    assert refused.json["field"] == "shift"
    assert refused.json["message"].startswith("Прежде чем принимать или возвращать деньги")
    assert db.session.scalars(select(OrganisationPayment)).all() == []

    bad = api.post(URL, headers=headers, json={**body, "amount": "-3"})
    assert bad.status_code in (400, 422) and bad.json["field"] == "amount"

    opened = api.post("/api/v1/cashshift/open", headers=headers, json={"opening_float": "0"})
    paid = api.post(URL, headers=headers, json=body)
    assert paid.status_code == 201, paid.json
    assert paid.json["result"]["cash_shift_id"] == opened.json["result"]["id"]
    receipt = db.session.scalars(select(Document)).one()
    assert receipt.kind == "receipt" and receipt.organisation_id == company.id
    shift = api.get("/api/v1/cashshift/", headers=headers).json["result"]
    assert shift["by_method"]["cash"] == {"taken": "150.00", "returned": "0.00", "count": 1}
    assert shift["expected_cash"] == "150.00"
