"""One place formats money for display: the language places the digits, the currency symbol is
the same in every language (CLDR alone gives "€" in Russian, "EUR" in Ukrainian, "$US" in
French)."""
from decimal import Decimal

import pytest

from app import formatting

LANGS = ("en", "ru", "fr", "uk", "hy")


@pytest.mark.parametrize("currency,symbol", [("EUR", "€"), ("USD", "$"), ("AMD", "֏"),
                                             ("UAH", "₴"), ("RUB", "₽")])
def test_one_symbol_in_every_language(app, currency, symbol):
    with app.app_context():
        texts = {lang: formatting.money(Decimal("1234.5"), currency, locale=lang)
                 for lang in LANGS}
    assert all(symbol in text and currency not in text for text in texts.values()), texts
    assert texts["en"] == f"{symbol}1,234.50"
    assert texts["uk"] == f"1\xa0234,50\xa0{symbol}"


def test_configured_symbol_wins(app):
    with app.app_context():
        app.config["CURRENCY_SYMBOL"] = "EUR"
        try:
            assert formatting.money(Decimal("2"), "EUR", locale="ru") == "2,00\xa0EUR"
            assert formatting.excel_money_format("EUR", "ru") == '#,##0.00 "EUR"'
        finally:
            app.config.pop("CURRENCY_SYMBOL")


def test_excel_formats_follow_the_language(app):
    with app.app_context():
        assert formatting.excel_date_format("ru") == "dd.mm.yyyy"
        assert formatting.excel_date_format("en") == "m/d/yyyy"
        assert formatting.excel_datetime_format("fr") == "dd/mm/yyyy hh:mm"
        assert formatting.excel_money_format("EUR", "en") == '"€"#,##0.00'
