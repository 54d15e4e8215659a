"""Same English, different meaning: messages with a context (pgettext) are extracted with it and
translated per context in every language ("Refunded" as a pass status and as a money column)."""
import pytest
from flask_babel import force_locale

from app.services.platform import translations

CONTEXTS = [("pass status", "Refunded"), ("money", "Refunded"), ("lesson status", "Held"),
            ("lessons count", "Held"), ("task status", "Open"), ("payment terms", "Paid"),
            ("money", "Returned"), ("sale status", "Returned"), ("loan action", "Returned")]


def test_extraction_keeps_the_contexts():
    template = translations._read(translations.POT)
    for context, msgid in CONTEXTS:
        assert template.get(msgid, context=context) is not None, (context, msgid)


@pytest.mark.parametrize("lang", translations.LANGUAGES)
def test_each_context_is_translated(lang):
    catalog = translations._read(
        f"{translations.TRANSLATIONS}/{lang}/LC_MESSAGES/messages.po", lang)
    for context, msgid in CONTEXTS:
        message = catalog.get(msgid, context=context)
        assert message is not None and message.string, (lang, context, msgid)


@pytest.mark.parametrize("lang", ["ru", "uk", "fr", "hy"])
def test_refunded_pass_and_refunded_money_read_differently(app, lang):
    from app.services.reports.registry import get_report
    from app.views.money.labels import STATUS_LABELS

    from app.services.reports import money as _registers_revenue  # noqa: F401

    column = next(c for c in get_report("revenue").columns if c.key == "refunded")
    with app.test_request_context(), force_locale(lang):
        status, money = str(STATUS_LABELS["refunded"]), str(column.title)
    assert status != money and "Refunded" not in (status, money)


def test_documents_templates_know_pgettext(app):
    from app.services.documents.templates import environment

    with app.test_request_context(), force_locale("ru"):
        text = environment().from_string("{{ pgettext('sale status', 'Returned') }}").render()
    assert text == "Возврат оформлен"
