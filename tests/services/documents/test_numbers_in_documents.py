"""Numbers on documents are written as the document's language writes them: a course of
7.5 hours prints "7.5" in English and "7,5" in Russian, French, Ukrainian and Armenian (the
one formatter, ``app.formatting.number``); a shop discount of 12.5 % likewise."""
from datetime import date, datetime
from decimal import Decimal

import pytest
from flask_babel import force_locale

from app import formatting
from app.services.courses import catalogue, certificates
from app.services.courses.registrations import register
from app.services.documents import issue_document
from app.services.documents.issuing import render_html
from tests.factories.courses import make_company, make_course

WRITTEN = {"en": "7.5", "ru": "7,5", "fr": "7,5", "uk": "7,5", "hy": "7,5"}


@pytest.mark.parametrize("language", sorted(WRITTEN))
def test_the_number_formatter_per_locale(app, language):
    with app.test_request_context(), force_locale(language):
        assert formatting.number(Decimal("7.50")) == WRITTEN[language]
        assert formatting.number(Decimal("16.00")) == "16"
        assert formatting.number(None) == "" and formatting.number("n/a") == "n/a"
    assert formatting.number(Decimal("1234.5"), locale="en") == "1,234.5"
    assert formatting.number(Decimal("1234.5"), locale="ru") == "1\xa0234,5"


def test_course_hours_on_a_certificate_in_every_language(db):
    course = make_course(title="First aid", certificate_series="MED",
                         starts_on=date(2026, 6, 1), ends_on=date(2026, 6, 2))
    catalogue.add_session(course.id, datetime(2026, 6, 1, 10), datetime(2026, 6, 1, 13, 30))
    catalogue.add_session(course.id, datetime(2026, 6, 2, 10), datetime(2026, 6, 2, 14))
    company, people = make_company(people=1)
    _, (participant,) = register(course.id, [{"client_id": people[0].id}],
                                 organisation_id=company.id)
    certificates.certify(course.id, participant.id, grade="A")
    db.session.flush()
    for language, written in WRITTEN.items():
        document = issue_document("course_certificate", participant_id=participant.id,
                                  language=language)
        html = render_html(document)
        assert f"<td>{written}</td>" in html, language
        assert "7.50" not in html and (language == "en" or "7.5<" not in html)


def test_a_shop_discount_in_the_documents_language(db):
    from app.services.stock.sales import sell
    from tests.factories.passes import make_client
    from tests.factories.stock import make_product

    water = make_product(stock=5, sale_price=Decimal("10.00"))
    client = make_client(discount_percent=Decimal("12.5"))
    db.session.flush()
    sale = sell([{"product_id": water.id, "quantity": 2}], client_id=client.id,
                payments=[{"method": "card", "amount": "17.50"}])
    assert sale.total == Decimal("17.50")
    for language, written in (("en", "12.5%"), ("fr", "12,5%"), ("ru", "12,5%")):
        html = render_html(issue_document("receipt", sale_id=sale.id, language=language))
        assert written in html, language
