"""An organisation's payment goes through money's payment rules: with the setting
"payments require an open shift" it is refused (409, translated) without the cashier's open
shift; with one it is recorded against that shift and counted in the Z-report by method; with
automatic receipts on it gets a numbered receipt naming the organisation."""
from datetime import date
from decimal import Decimal

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from app.models.documents import Document
from app.security import FRONT_DESK
from app.services.courses import organisations
from app.services.documents.issuing import render_html
from app.services.money import take_payment
from app.services.money.cash_desk import daily_report, open_shift, shift_totals
from app.services.platform import Conflict
from tests.factories.courses import make_company, make_course
from tests.factories.passes import make_client

YEAR = date.today().year


@pytest.fixture
def setting(app):
    saved = {name: app.config.get(name)
             for name in ("PAYMENTS_REQUIRE_OPEN_SHIFT", "AUTO_RECEIPTS", "AUTO_RECEIPT_EMAIL")}
    yield app.config.update
    app.config.update(saved)


def test_refused_without_an_open_shift_when_the_setting_is_on(app, db, make_user, setting):
    setting(PAYMENTS_REQUIRE_OPEN_SHIFT=True)
    cashier = make_user(FRONT_DESK)
    company, _ = make_company(short_name="Acme")
    db.session.commit()
    with pytest.raises(Conflict) as refused:
        organisations.record_payment(company.id, Decimal("150.00"), method="cash",
                                     taken_by_id=cashier.id)
    assert refused.value.field == "shift"
    with app.test_request_context(), force_locale("ru"):
        assert str(refused.value.message) == ("Прежде чем принимать или возвращать деньги, "
                                              "откройте свою кассовую смену в кассе.")
    db.session.rollback()
    assert organisations.organisation_balance(company.id).payments == Decimal("0.00")


def test_recorded_against_the_shift_and_in_the_z_report_by_method(db, make_user, setting):
    setting(PAYMENTS_REQUIRE_OPEN_SHIFT=True)
    cashier = make_user(FRONT_DESK)
    company, _ = make_company(short_name="Acme")
    course = make_course(title="First aid")
    client = make_client()
    shift = open_shift(cashier.id, "20.00")
    db.session.commit()
    transfer = organisations.record_payment(company.id, Decimal("150.00"), course_id=course.id,
                                            taken_by_id=cashier.id)
    cash = organisations.record_payment(company.id, "40.00", method="cash",
                                        taken_by_id=cashier.id)
    take_payment(client.id, "10.00", method="cash", taken_by_id=cashier.id)
    db.session.commit()
    assert transfer.cash_shift_id == cash.cash_shift_id == shift.id
    assert (transfer.taken_by_fk, transfer.method) == (cashier.id, "transfer")
    totals = shift_totals([shift.id])[shift.id]
    assert totals["transfer"] == {"taken": Decimal("150.00"), "returned": Decimal("0.00"),
                                  "count": 1}
    assert totals["cash"]["taken"] == Decimal("50.00") and totals["cash"]["count"] == 2
    report = daily_report(date.today())
    assert report["totals"]["transfer"]["net"] == Decimal("150.00")
    assert report["totals"]["cash"]["net"] == Decimal("50.00")
    assert report["shifts"][0]["expected_cash"] == Decimal("70.00")  # float + both cash takings


def test_an_unknown_method_is_refused(db, make_user):
    company, _ = make_company()
    with pytest.raises(Exception) as refused:
        organisations.record_payment(company.id, "10.00", method="bonus")
    assert refused.value.field == "method"


def test_a_numbered_receipt_naming_the_organisation(app, db, make_user, setting):
    setting(AUTO_RECEIPTS=True, AUTO_RECEIPT_EMAIL=True)
    cashier = make_user(FRONT_DESK)
    company, _ = make_company(short_name="Acme", full_name="Acme Training LLC", tax_id="0123")
    course = make_course(title="First aid")
    db.session.commit()
    payment = organisations.record_payment(company.id, Decimal("150.00"), course_id=course.id,
                                           method="card", taken_by_id=cashier.id)
    db.session.commit()
    receipt = db.session.scalars(select(Document).where(Document.kind == "receipt")).one()
    assert receipt.number == f"RCP-{YEAR}-000001"
    assert (receipt.organisation_payment_id, receipt.organisation_id, receipt.client_id) == (
        payment.id, company.id, None)
    assert receipt.email_status is None  # receipts by e-mail go to clients who agreed
    html = render_html(receipt)
    assert "Acme Training LLC" in html and "0123" in html and "First aid" in html
    assert "150.00" in html and "Card" in html


def test_no_receipt_while_the_setting_is_off(db, setting):
    setting(AUTO_RECEIPTS=False)
    company, _ = make_company()
    organisations.record_payment(company.id, "10.00")
    db.session.commit()
    assert db.session.scalars(select(Document)).all() == []
