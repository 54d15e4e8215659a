"""The translator's workbench rules: coverage, search, edits (validated, compiled, served at
once, audited, safe under concurrent saves), .po upload refused or accepted, new languages."""
import os
import threading

import pytest
from babel.messages.pofile import read_po
from flask_babel import gettext, refresh

from app.models.translations import TranslationChange
from app.services.platform import live_catalogs, workbench
from app.services.platform.workbench import CatalogProblems

MENU_ITEM = "Security events"


def _po(folder, lang):
    with open(os.path.join(folder, lang, "LC_MESSAGES", "messages.po"), "rb") as handle:
        return read_po(handle, locale=lang)


def _in(app, lang, text):
    with app.test_request_context("/?_l_=" + lang):
        refresh()
        return gettext(text)


def test_coverage_counts_every_entry_of_each_language(db, translations_copy):
    rows = {row["lang"]: row for row in workbench.coverage()}
    assert set(rows) == {"fr", "hy", "ru", "uk"}
    ru = rows["ru"]
    assert ru["total"] == len([m for m in _po(translations_copy, "ru") if m.id])
    assert ru["translated"] + ru["fuzzy"] + ru["missing"] == ru["total"]
    assert ru["name"] == "Русский" and ru["glossary"] == 0 and ru["placeholders"] == 0


def test_search_finds_source_and_translation_and_filters(db, translations_copy):
    by_source = workbench.entries("ru", "security EVENTS")
    assert any(row["msgid"] == MENU_ITEM for row in by_source["rows"])
    russian = _po(translations_copy, "ru").get(MENU_ITEM).string
    by_translation = workbench.entries("ru", russian)
    assert MENU_ITEM in [row["msgid"] for row in by_translation["rows"]]
    page = workbench.entries("ru", "", "all", page=2, per_page=10)
    assert page["page"] == 2 and len(page["rows"]) == 10 and page["pages"] > 2
    assert workbench.entries("ru", "", "missing")["total"] == 0


def test_saving_an_entry_writes_compiles_and_serves_it_at_once(app, db, translations_copy,
                                                              make_user):
    user = make_user("Translator")
    before = _po(translations_copy, "ru")
    assert _in(app, "ru", MENU_ITEM) == before.get(MENU_ITEM).string
    workbench.save_entry("ru", MENU_ITEM, None, ["События безопасности (новое)"], user=user)
    assert _in(app, "ru", MENU_ITEM) == "События безопасности (новое)"
    after = _po(translations_copy, "ru")
    assert after.get(MENU_ITEM).string == "События безопасности (новое)"
    assert after.num_plurals == before.num_plurals and after.project == before.project
    assert len(after) == len(before)
    change = db.session.query(TranslationChange).one()
    assert (change.username, change.language, change.kind, change.msgid, change.new) == (
        user.username, "ru", "edit", MENU_ITEM, "События безопасности (новое)")
    assert change.old == before.get(MENU_ITEM).string


def test_saving_clears_the_fuzzy_flag(db, translations_copy):
    workbench.upload("ru", _fuzzy_copy(translations_copy, "ru", MENU_ITEM))
    assert "fuzzy" in _po(translations_copy, "ru").get(MENU_ITEM).flags
    assert workbench.entries("ru", MENU_ITEM, "fuzzy")["total"] == 1
    workbench.save_entry("ru", MENU_ITEM, None, ["События"])
    assert "fuzzy" not in _po(translations_copy, "ru").get(MENU_ITEM).flags


def _fuzzy_copy(folder, lang, msgid):
    path = os.path.join(folder, lang, "LC_MESSAGES", "messages.po")
    text = open(path, encoding="utf-8").read()
    marker = f'msgid "{msgid}"\n'
    return text.replace(marker, "#, fuzzy\n" + marker, 1).encode()


@pytest.mark.parametrize("text", ["%(nom)s выбран", "Выбрано: %(", "Выбрано", "%s %s"])
def test_a_translation_must_keep_the_source_placeholders(app, db, translations_copy, text):
    msgid = _entry_with_placeholder(translations_copy)
    path = os.path.join(translations_copy, "ru", "LC_MESSAGES", "messages.po")
    with open(path, "rb") as handle:
        unchanged = handle.read()
    with pytest.raises(CatalogProblems):
        workbench.save_entry("ru", msgid, None, [text])
    assert open(path, "rb").read() == unchanged
    assert db.session.query(TranslationChange).count() == 0


def _entry_with_placeholder(folder):
    for message in _po(folder, "ru"):
        if isinstance(message.id, str) and message.id.count("%(name)s") == 1 \
                and "%" not in message.id.replace("%(name)s", "") and not message.context:
            return message.id
    raise AssertionError("no entry with one %(name)s")


def test_plural_entries_take_one_form_per_plural(app, db, translations_copy):
    catalog = _po(translations_copy, "ru")
    message = next(m for m in catalog if isinstance(m.id, tuple) and "%(num)d" in m.id[1])
    with pytest.raises(CatalogProblems):
        workbench.save_entry("ru", message.id[0], message.context, ["один %(num)d"])
    forms = ["%(num)d штука", "%(num)d штуки", "%(num)d штук"]
    workbench.save_entry("ru", message.id[0], message.context, forms)
    assert list(_po(translations_copy, "ru").get(message.id[0], message.context).string) == forms


def test_two_translators_saving_at_once_both_survive(app, db, translations_copy):
    catalog = _po(translations_copy, "fr")
    targets = [m.id for m in catalog if isinstance(m.id, str) and m.id and "%" not in m.id
               and not m.context][:6]
    errors = []

    def save(msgid):
        try:
            with app.app_context():
                workbench.save_entry("fr", msgid, None, [f"FR {msgid}"])
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=save, args=(msgid,)) for msgid in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    after = _po(translations_copy, "fr")
    assert [after.get(msgid).string for msgid in targets] == [f"FR {m}" for m in targets]


def test_a_valid_upload_replaces_translations(app, db, translations_copy, make_user):
    user = make_user("Translator")
    data, name = workbench.download("uk")
    assert name == "tessera-uk.po"
    old = _po(translations_copy, "uk").get(MENU_ITEM).string
    data = data.decode().replace(f'msgstr "{old}"', 'msgstr "Події безпеки (з файлу)"', 1)
    assert workbench.check_upload("uk", data.encode())[0] == []
    assert workbench.upload("uk", data.encode(), user=user) >= 1
    assert _in(app, "uk", MENU_ITEM) == "Події безпеки (з файлу)"
    assert db.session.query(TranslationChange).filter_by(kind="upload").count() >= 1


def test_a_broken_upload_changes_nothing_and_says_why_row_by_row(db, translations_copy):
    data, _name = workbench.download("ru")
    path = os.path.join(translations_copy, "ru", "LC_MESSAGES", "messages.po")
    unchanged = open(path, "rb").read()
    text = data.decode()
    placeholder = _entry_with_placeholder(translations_copy)
    good = _po(translations_copy, "ru").get(placeholder).string
    text = text.replace(f'msgstr "{good}"', 'msgstr "%(nom)s"', 1)
    text += '\nmsgid "A string nobody wrote"\nmsgstr "Никто"\n'
    with pytest.raises(CatalogProblems) as refused:
        workbench.upload("ru", text.encode())
    reasons = {(p["msgid"], bool(p["line"])) for p in refused.value.problems}
    assert (placeholder, True) in reasons and ("A string nobody wrote", True) in reasons
    assert open(path, "rb").read() == unchanged


@pytest.mark.parametrize("mangle, why", [
    (lambda text: text + "\nthis line is not a catalog's\n", "readable"),
    (lambda text: text.replace("Language: ru", "Language: fr"), "language"),
    (lambda text: text.replace("nplurals=3", "nplurals=2"), "plural"),
])
def test_uploads_refused_for_syntax_language_and_plural_forms(db, translations_copy, mangle, why):
    data, _name = workbench.download("ru")
    problems, _catalog = workbench.check_upload("ru", mangle(data.decode()).encode())
    assert problems and why in " ".join(str(p["reason"]) for p in problems)


def test_a_new_language_is_served_without_a_new_app(app, db, translations_copy):
    assert "de" not in app.config["LANGUAGES"]
    workbench.add_language("de")
    assert "de" in app.config["LANGUAGES"]
    assert app.config["LANGUAGES"]["de"]["name"] == "Deutsch"
    assert (translations_copy / "de" / "LC_MESSAGES" / "messages.mo").exists()
    workbench.save_entry("de", MENU_ITEM, None, ["Sicherheitsereignisse"])
    assert _in(app, "de", MENU_ITEM) == "Sicherheitsereignisse"


def test_another_process_notices_a_changed_catalog(app, db, translations_copy):
    """A second process (as a second gunicorn worker would) serves the edit without restart."""
    import json
    import subprocess
    import sys

    script = os.path.join(os.path.dirname(__file__), "catalog_process.py")
    env = dict(os.environ, TESSERA_TRANSLATIONS_FOLDER=str(translations_copy),
               TESSERA_TRANSLATIONS_CHECK_SECONDS="0")
    proc = subprocess.Popen([sys.executable, script], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True, env=env)
    try:
        def ask(lang, text):
            proc.stdin.write(json.dumps([lang, text]) + "\n")
            proc.stdin.flush()
            return json.loads(proc.stdout.readline())

        assert ask("ru", MENU_ITEM) == _po(translations_copy, "ru").get(MENU_ITEM).string
        workbench.save_entry("ru", MENU_ITEM, None, ["Журнал безопасности"])
        assert ask("ru", MENU_ITEM) == "Журнал безопасности"
        workbench.add_language("de")
        workbench.save_entry("de", MENU_ITEM, None, ["Sicherheitsereignisse"])
        assert ask("de", MENU_ITEM) == "Sicherheitsereignisse"
    finally:
        proc.stdin.close()
        proc.wait(timeout=30)


def test_check_interval_limits_how_often_a_process_looks(app, db, translations_copy):
    app.config["TRANSLATIONS_CHECK_SECONDS"] = 3600
    try:
        live_catalogs.notice_changes(app, force=True)
        assert live_catalogs.notice_changes(app) is False
        assert live_catalogs.notice_changes(app, force=True) is False  # nothing changed
    finally:
        app.config["TRANSLATIONS_CHECK_SECONDS"] = 1
