"""The catalogs' checks: plurals per language, placeholders that cannot crash a page, locations
relative to the repository, and the one formatter for values."""
import datetime
import os

import pytest
from flask_babel import force_locale, ngettext

from app import formatting
from app.services.platform import translations
from tests.platform.scratch_catalogs import plant

PLURAL = ("%(num)d purchase request is waiting for its goods.",
          "%(num)d purchase requests are waiting for their goods.")


@pytest.mark.parametrize("lang", ["ru", "uk"])
def test_plurals_for_1_2_5_21(app, lang):
    with app.test_request_context(), force_locale(lang):
        forms = {n: ngettext(*PLURAL, num=n).replace(str(n), "N", 1) for n in (1, 2, 5, 21)}
    assert forms[1] == forms[21], forms
    assert len({forms[1], forms[2], forms[5]}) == 3, forms
    assert all(not text.startswith("N purchase") for text in forms.values())


def test_armenian_has_two_plural_forms(app):
    with open(os.path.join(translations.TRANSLATIONS, "hy", "LC_MESSAGES", "messages.po"),
              encoding="utf-8") as handle:
        assert '"Plural-Forms: nplurals=2; plural=(n > 1);\\n"' in handle.read()
    with app.test_request_context(), force_locale("hy"):
        assert ngettext(*PLURAL, num=5).startswith("5 գնման")


def test_locations_are_relative_to_the_repository():
    with open(translations.POT, encoding="utf-8") as handle:
        locations = [line for line in handle if line.startswith("#:")]
    assert locations and not [line for line in locations if line.startswith("#: /")]
    assert any("flask_appbuilder/templates/" in line for line in locations)


def test_a_broken_placeholder_is_refused_and_nothing_compiled(scratch_catalogs):
    plant(scratch_catalogs, "fr", "Welcome, %(name)s", "Bienvenue, %(nom)s")
    problems = translations.placeholder_problems("fr")
    assert ("Welcome, %(name)s", "crash", "Bienvenue, %(nom)s") in problems
    with pytest.raises(translations.CatalogRefused):
        translations.compile_catalogs()
    assert not list(scratch_catalogs.glob("*/LC_MESSAGES/*.mo"))


def test_a_missing_placeholder_is_a_mismatch_but_compiles(scratch_catalogs):
    plant(scratch_catalogs, "uk", "Welcome, %(name)s", "Ласкаво просимо")
    assert [p[1] for p in translations.placeholder_problems("uk")] == ["missing"]
    translations.compile_catalogs()
    assert (scratch_catalogs / "uk" / "LC_MESSAGES" / "messages.mo").exists()


def test_one_formatter_for_values(app):
    moment = datetime.datetime(2026, 3, 5, 14, 7, 9, 123456)
    with app.test_request_context(), force_locale("ru"):
        assert formatting.value(None) == ""
        assert formatting.value(True) == "Да" and formatting.value(False) == "Нет"
        shown = formatting.value(moment)
        assert "123456" not in shown and ":09" not in shown and "14:07" in shown
        assert formatting.stored_text("2026-03-05T14:07:09.123456") == shown
        assert formatting.stored_text("True") == "Да"
        assert formatting.weekday(0) == "понедельник" or formatting.weekday(0) == "Понедельник"
        assert formatting.stored_text("per_participant") not in ("per_participant", "")
