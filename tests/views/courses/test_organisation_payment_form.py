"""The organisations' payment form follows money's payment rules: without the cashier's open
shift (setting on) the form comes back with what was typed and the translated reason; with one
the payment is saved against that shift, taken by the user, with its receipt."""
import pytest
from sqlalchemy import select

from app.models.courses import OrganisationPayment
from app.models.documents import Document
from app.security import FRONT_DESK
from tests.factories.courses import make_company


@pytest.fixture
def desk_rules(app):
    saved = {k: app.config.get(k) for k in ("PAYMENTS_REQUIRE_OPEN_SHIFT", "AUTO_RECEIPTS")}
    app.config.update(PAYMENTS_REQUIRE_OPEN_SHIFT=True, AUTO_RECEIPTS=True)
    yield
    app.config.update(saved)


def test_the_form_keeps_the_input_without_a_shift_then_saves_in_it(app, db, login, desk_rules):
    company, _ = make_company(short_name="Acme")
    db.session.commit()
    desk = login(FRONT_DESK)
    desk.get("/lang/ru")
    form = {"organisation": company.id, "amount": "77.70", "paid_on": "2026-01-15",
            "method": "card", "note": "for March"}
    refused = desk.post("/organisationpayment/add", data=form)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 200
    assert "откройте свою кассовую смену" in html
    assert 'value="77.70"' in html and "for March" in html
    assert db.session.scalars(select(OrganisationPayment)).all() == []

    desk.post("/cash-desk/open", data={"opening_float": "0"})
    saved = desk.post("/organisationpayment/add", data=form)
    assert saved.status_code == 302
    payment = db.session.scalars(select(OrganisationPayment)).one()
    assert payment.cash_shift_id is not None and payment.taken_by_fk == desk.user_id
    assert payment.method == "card"
    receipt = db.session.scalars(select(Document)).one()
    assert receipt.organisation_payment_id == payment.id
    listed = desk.get("/organisationpayment/list/").get_data(as_text=True)
    assert "Карта" in listed or "карт" in listed.lower()
