"""A translation identical to its English source fails the check unless every word of it is on
the allow-list (translations/allowed_words.txt: codes, brands; French words spelt as in English
in its [fr] section)."""

import pytest

from app.services.platform import translations
from tests.platform.scratch_catalogs import plant


@pytest.mark.parametrize("lang", translations.LANGUAGES)
def test_real_catalogs_have_no_english_left(lang):
    assert translations.identical_to_english(lang) == []


def test_allow_list_has_common_lines_and_language_sections():
    assert {"pdf", "openid", "ical"} <= translations.allowed_words("ru")
    assert "date" in translations.allowed_words("fr")
    assert "date" not in translations.allowed_words("ru")


def test_a_planted_identical_entry_is_caught(scratch_catalogs):
    plant(scratch_catalogs, "ru", "Email", "Email")
    plant(scratch_catalogs, "fr", "Background jobs", "Background jobs")
    assert translations.identical_to_english("ru") == ["Email"]
    assert translations.identical_to_english("fr") == ["Background jobs"]


def test_allowed_words_and_language_sections_pass(scratch_catalogs):
    plant(scratch_catalogs, "ru", "Date", "Date")  # French is allowed "Date", Russian is not
    assert translations.identical_to_english("ru") == ["Date"]
    assert translations.identical_to_english("fr") == []
    with open(scratch_catalogs / "allowed_words.txt", "a", encoding="utf-8") as handle:
        handle.write("\n[ru]\nDate\n")
    assert translations.identical_to_english("ru") == []
    assert translations.identical_to_english("uk") == []


def test_translate_check_fails_on_an_identical_entry(app, scratch_catalogs):
    plant(scratch_catalogs, "uk", "Background jobs", "Background jobs")
    result = app.test_cli_runner().invoke(args=["translate", "check"])
    assert result.exit_code == 1
    assert "uk: 1 identical to English" in result.output
    assert "'Background jobs'" in result.output
