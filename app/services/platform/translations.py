"""The translators' workflow: extract, update, fill FAB's strings, compile, check.

Our catalog template holds our own strings *and* FAB's (FAB ships no Ukrainian or Armenian),
so every language is complete from one set of catalogs. For languages FAB does translate
(ru, fr) its translations pre-fill our catalogs; a translator may improve them, never starts
from nothing.
"""
import io
import os
import re
from pathlib import Path

import flask_appbuilder
from babel.messages.catalog import Catalog
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po, write_po

ROOT = str(Path(__file__).resolve().parents[3])  # the repository
TRANSLATIONS = os.path.join(ROOT, "translations")
POT = os.path.join(TRANSLATIONS, "messages.pot")
LANGUAGES = ("ru", "fr", "uk", "hy")
FAB_TRANSLATIONS = os.path.join(os.path.dirname(flask_appbuilder.__file__), "translations")
import datetime  # noqa: E402

_FIXED_DATE = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)


def _pybabel(*args):
    CommandLineInterface().run(["pybabel", "-q", *args])


def _read(path, locale=None):
    with open(path, "rb") as handle:
        return read_po(handle, locale=locale)


def _read_fab(lang):
    """FAB's catalog for ``lang`` (its headers carry dates Babel cannot parse: drop them)."""
    path = os.path.join(FAB_TRANSLATIONS, lang, "LC_MESSAGES", "messages.po")
    if not os.path.exists(path):
        return None
    with open(path, "rb") as handle:
        text = handle.read()
    text = re.sub(rb'^"(POT-Creation-Date|PO-Revision-Date):[^"]*"\n', b"", text, flags=re.M)
    return read_po(io.BytesIO(text), locale=lang)


def _write(path, catalog):
    with open(path, "wb") as handle:
        write_po(handle, catalog, width=100, omit_header=False)


KEYWORDS_MAP = {"_": None, "gettext": None, "lazy_gettext": None, "_l": None, "__": None,
                "ngettext": (1, 2), "lazy_ngettext": (1, 2), "_n": (1, 2),
                "pgettext": ((1, "c"), 2), "lazy_pgettext": ((1, "c"), 2), "_p": ((1, "c"), 2),
                "npgettext": ((1, "c"), 2, 3)}
OUR_SOURCES = [("app/**.py", "python"), ("app/templates/**.html", "jinja2")]
# FAB's Python and templates: the strings its pages show ("Select Value", "Add", "Cancel"…).
FAB_SOURCES = [("**.py", "python"), ("templates/**.html", "jinja2")]
FAB_SKIP = ("cli.py", "console.py", "const.py", "tests/", "translations/")
JINJA_OPTIONS = {"extensions": "jinja2.ext.do,jinja2.ext.loopcontrols", "silent": "false"}


def _extract_dir(catalog, directory, method_map, prefix, skip=()):
    from babel.messages.extract import extract_from_dir

    options = {pattern: JINJA_OPTIONS for pattern, method in method_map if method == "jinja2"}
    for filename, lineno, message, comments, context in extract_from_dir(
            directory, method_map, options, keywords=KEYWORDS_MAP, strip_comment_tags=True):
        if any(part in filename for part in skip):
            continue
        location = (prefix + filename.replace(os.sep, "/"), lineno)
        catalog.add(message, None, [location], auto_comments=comments, context=context)


def extract(generated=()):
    """Scan our code and templates, FAB's code and templates, and the messages Tessera generates
    at start-up (``generated``: titles and labels FAB derives from names), into
    ``translations/messages.pot``. Locations are relative to the repository (FAB's prefixed with
    ``flask_appbuilder/``), so running it again rewrites nothing that did not change."""
    template = Catalog(project="Tessera", copyright_holder="Tessera", fuzzy=False,
                       charset="utf-8")
    _extract_dir(template, ROOT, OUR_SOURCES, "")
    _extract_dir(template, os.path.dirname(flask_appbuilder.__file__), FAB_SOURCES,
                 "flask_appbuilder/", FAB_SKIP)
    fab_template = _read_fab("ru")
    for message in fab_template:
        if message.id and message.id not in template:
            template.add(message.id, locations=[("flask_appbuilder/translations", 0)],
                         flags=message.flags - {"fuzzy"})
    for msgid in sorted(set(generated)):
        if msgid and msgid not in template:
            template.add(msgid, locations=[("app/views/platform/base.py", 0)])
    template.creation_date = template.revision_date = _FIXED_DATE
    with open(POT, "wb") as handle:
        write_po(handle, template, width=100, sort_by_file=True)
    return len(template)


def update():
    """Merge the template into each language's catalog (creating it when new), pre-fill FAB's."""
    for lang in LANGUAGES:
        po = os.path.join(TRANSLATIONS, lang, "LC_MESSAGES", "messages.po")
        if os.path.exists(po):
            _pybabel("update", "-i", POT, "-d", TRANSLATIONS, "-l", lang, "-w", "100",
                     "--no-fuzzy-matching")
        else:
            _pybabel("init", "-i", POT, "-d", TRANSLATIONS, "-l", lang, "-w", "100")
        _prefill_from_fab(lang, po)


def _prefill_from_fab(lang, po):
    fab = _read_fab(lang)
    if fab is None:
        return
    catalog = _read(po, locale=lang)
    changed = False
    for message in catalog:
        if not message.id or _translated(message):
            continue
        theirs = fab.get(message.id)
        if theirs is not None and _translated(theirs) and "fuzzy" not in theirs.flags:
            message.string = theirs.string
            changed = True
    if changed:
        _write(po, catalog)


def import_json(path, overwrite=False):
    """Fill catalogs from ``{msgid: {lang: translation}}`` (e.g. a translator's spreadsheet
    export); returns how many entries were filled per language. Unknown msgids are ignored."""
    import json

    with open(path, encoding="utf-8") as handle:
        table = json.load(handle)
    filled = {}
    for lang in LANGUAGES:
        po = os.path.join(TRANSLATIONS, lang, "LC_MESSAGES", "messages.po")
        catalog = _read(po, locale=lang)
        count = 0
        for message in catalog:
            key = message.id if isinstance(message.id, str) else message.id[0]
            text = table.get(key, {}).get(lang)
            if not key or not text or (_translated(message) and not overwrite):
                continue
            if isinstance(message.id, (list, tuple)):
                message.string = tuple(text if isinstance(text, str) else text[i]
                                       for i in range(len(message.string)))
            else:
                message.string = text
            message.flags.discard("fuzzy")
            count += 1
        if count:
            _write(po, catalog)
        filled[lang] = count
    return filled


def compile_catalogs():
    _pybabel("compile", "-d", TRANSLATIONS, "--use-fuzzy")


def _translated(message):
    if isinstance(message.string, (list, tuple)):
        return all(message.string)
    return bool(message.string)


def gaps():
    """Untranslated or fuzzy entries per language: ``{lang: [msgid, ...]}`` (empty lists = done)."""
    result = {}
    for lang in LANGUAGES:
        catalog: Catalog = _read(os.path.join(TRANSLATIONS, lang, "LC_MESSAGES", "messages.po"), lang)
        result[lang] = [
            message.id if isinstance(message.id, str) else message.id[0]
            for message in catalog
            if message.id and (not _translated(message) or "fuzzy" in message.flags)
        ]
    return result
