"""One term per concept: every language's glossary holds on the real catalogs, and a synonym the
glossary forbids, planted in a scratch copy, is caught by the check and by `translate check`."""

import pytest

from app.services.platform import glossary, translations
from tests.platform.scratch_catalogs import plant


@pytest.mark.parametrize("lang", translations.LANGUAGES)
def test_every_language_has_a_glossary_and_keeps_to_it(lang):
    terms = glossary.load_glossary(lang)
    for term in ("pass", "session", "lesson", "instructor", "write-off", "freeze", "guardian",
                 "debt", "refund", "payslip", "group", "client", "course", "certificate",
                 "invoice", "receipt", "shift"):
        assert terms[term]["accepted"], (lang, term)
    assert glossary.glossary_violations(lang) == []


def test_instructor_has_one_translation_per_language():
    for lang, word in (("ru", "инструктор"), ("uk", "інструктор"), ("fr", "moniteur"),
                       ("hy", "հրահանգ")):
        catalog = translations._read(
            f"{translations.TRANSLATIONS}/{lang}/LC_MESSAGES/messages.po", lang)
        for msgid in ("Instructor", "Instructor league table", "no instructor"):
            assert word in catalog[msgid].string.lower(), (lang, msgid)


@pytest.mark.parametrize("lang, msgid, text, found", [
    ("fr", "Instructor league table", "Classement des intervenants", "intervenants"),
    ("ru", "No such instructor.", "Такого преподавателя нет.", "преподавателя"),
    ("hy", "Lessons held", "Անցկացված դասեր", "դասեր"),
])
def test_a_planted_synonym_is_caught(scratch_catalogs, lang, msgid, text, found):
    plant(scratch_catalogs, lang, msgid, text)
    violations = glossary.glossary_violations(lang, folder=str(scratch_catalogs))
    assert len(violations) == 1
    assert violations[0]["msgid"] == msgid and violations[0]["found"] == found
    assert violations[0]["term"] in msgid.lower()
    assert violations[0]["expected"] == ", ".join(
        glossary.load_glossary(lang)[violations[0]["term"]]["accepted"])


def test_an_exact_word_synonym_does_not_catch_a_longer_word(scratch_catalogs):
    """Armenian "դաս" (lesson's forbidden synonym) must not flag "դասընթաց" (course)."""
    plant(scratch_catalogs, "hy", "Lessons held", "Անցկացված պարապմունքներ (դասընթաց)")
    assert glossary.glossary_violations("hy", folder=str(scratch_catalogs)) == []


def test_translate_check_fails_naming_msgid_term_and_synonym(app, scratch_catalogs):
    runner = app.test_cli_runner()
    clean = runner.invoke(args=["translate", "check"])
    assert "fr: 0 glossary violations" in clean.output
    plant(scratch_catalogs, "fr", "no instructor", "sans animateur")
    result = runner.invoke(args=["translate", "check"])
    assert result.exit_code == 1
    assert "fr: 1 glossary violations" in result.output
    line = next(line for line in result.output.splitlines() if "'no instructor'" in line)
    assert "'instructor'" in line and "'animateur'" in line and "moniteur" in line
