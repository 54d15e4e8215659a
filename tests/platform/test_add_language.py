"""Adding an interface language is one command (``flask translate add <code>``) on the catalogs;
the language list is derived from them, in one place (``config.installed_languages``). Always on
a temporary copy of translations/, never the repository's."""
import shutil

import pytest
from babel.messages.mofile import read_mo

from app.services.platform import translations
from config import Config, installed_languages


@pytest.fixture
def scratch(tmp_path, monkeypatch):
    copy = tmp_path / "translations"
    shutil.copytree(translations.TRANSLATIONS, copy, ignore=shutil.ignore_patterns("*.mo"))
    monkeypatch.setattr(translations, "TRANSLATIONS", str(copy))
    monkeypatch.setattr(translations, "POT", str(copy / "messages.pot"))
    return copy


def test_the_language_list_is_the_catalogs():
    assert list(Config.LANGUAGES) == ["en", *sorted(translations.LANGUAGES)]
    assert set(translations.LANGUAGES) == {"fr", "hy", "ru", "uk"}
    assert Config.LANGUAGES["ru"] == {"flag": "ru", "name": "Русский"}
    assert Config.LANGUAGES["uk"] == {"flag": "ua", "name": "Українська"}
    assert Config.LANGUAGES["hy"] == {"flag": "am", "name": "Հայերեն"}


def test_adding_german_makes_it_an_installed_language(app, scratch):
    assert "de" not in installed_languages(str(scratch))
    po = translations.add_language("de")
    assert po == str(scratch / "de" / "LC_MESSAGES" / "messages.po")
    languages = installed_languages(str(scratch))
    assert languages["de"] == {"flag": "de", "name": "Deutsch"}
    assert "de" in translations.installed_languages()
    catalog = translations._read(po, "de")
    template = translations._read(str(scratch / "messages.pot"))
    assert {m.id for m in catalog if m.id} == {m.id for m in template if m.id}
    # FAB ships German: its strings come pre-filled, ours wait for a translator
    assert catalog.get("Select Value").string and catalog.get("No such lesson.").string == ""
    translations.compile_catalogs()
    with open(scratch / "de" / "LC_MESSAGES" / "messages.mo", "rb") as handle:
        assert read_mo(handle).get("Select Value").string == catalog.get("Select Value").string
    assert not shutil.os.path.exists(shutil.os.path.join(
        translations.ROOT, "translations", "de"))  # the repository's folder is untouched


def test_a_language_fab_does_not_ship_starts_empty_with_its_plural_rule(app, scratch):
    po = translations.add_language("ka")
    catalog = translations._read(po, "ka")
    assert not [m for m in catalog if m.id and m.string and not isinstance(m.id, tuple)]
    assert "ka" in installed_languages(str(scratch))


@pytest.mark.parametrize("code", ["en", "ru", "xx", "../evil", "", "DE"])
def test_refused_codes_write_nothing(app, scratch, code):
    before = sorted(p.name for p in scratch.iterdir())
    with pytest.raises(translations.LanguageRefused):
        translations.add_language(code)
    assert sorted(p.name for p in scratch.iterdir()) == before


def test_the_command(app, scratch):
    result = app.test_cli_runner().invoke(args=["translate", "add", "de"])
    assert result.exit_code == 0, result.output
    assert "de" in translations.installed_languages()
    again = app.test_cli_runner().invoke(args=["translate", "add", "de"])
    assert again.exit_code != 0 and "already installed" in again.output
