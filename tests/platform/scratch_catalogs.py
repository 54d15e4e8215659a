"""A scratch copy of the repository's catalogs for the catalog checks' tests (glossary, English
left, placeholders): ``scratch_catalogs`` points the translations module at it, ``plant`` sets
one translation in it."""
import shutil

import pytest

from app.services.platform import translations


@pytest.fixture
def scratch_catalogs(tmp_path, monkeypatch):
    copy = tmp_path / "translations"
    shutil.copytree(translations.TRANSLATIONS, copy, ignore=shutil.ignore_patterns("*.mo"))
    monkeypatch.setattr(translations, "TRANSLATIONS", str(copy))
    monkeypatch.setattr(translations, "POT", str(copy / "messages.pot"))
    return copy


def plant(copy, lang, msgid, text):
    """Set ``msgid``'s translation in the scratch copy's ``lang`` catalog to ``text``."""
    po = copy / lang / "LC_MESSAGES" / "messages.po"
    catalog = translations._read(str(po), lang)
    catalog[msgid].string = text
    translations._write(str(po), catalog)
