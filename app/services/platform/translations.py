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
from babel import Locale, UnknownLocaleError
from babel.messages.catalog import Catalog
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po, write_po

ROOT = str(Path(__file__).resolve().parents[3])  # the repository
TRANSLATIONS = os.path.join(ROOT, "translations")
POT = os.path.join(TRANSLATIONS, "messages.pot")

from config import installed_languages as _language_list  # noqa: E402  (the one language list)

# The translated languages (English is the source): those with a catalog under translations/.
LANGUAGES = tuple(code for code in _language_list(TRANSLATIONS) if code != "en")
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
        fix_plural_forms(lang, po)


# Plural rules Babel gets wrong for our languages (CLDR: Armenian has "one" for 0 and 1, "other").
PLURAL_FORMS = {"hy": "nplurals=2; plural=(n > 1);"}


def fix_plural_forms(lang, po):
    """Write the language's real Plural-Forms header and give every plural entry as many forms
    (a missing form repeats the last one a translator wrote)."""
    rule = PLURAL_FORMS.get(lang)
    if rule is None:
        return False
    with open(po, encoding="utf-8") as handle:
        text = handle.read()
    nplurals = int(re.search(r"nplurals=(\d+)", rule).group(1))
    header = '"Plural-Forms: %s\\n"' % rule
    fixed = re.sub(r'"Plural-Forms: [^"]*\\n"', lambda _m: header, text, count=1)

    def forms(block):
        found = re.findall(r'^msgstr\[(\d+)\] (".*"(?:\n".*")*)$', block, flags=re.M)
        if len(found) >= nplurals:
            return block
        last = found[-1][1] if found else '""'
        extra = "".join(f"\nmsgstr[{i}] {last}" for i in range(len(found), nplurals))
        return block + extra

    fixed = re.sub(r'^msgid_plural .*\n(?:msgstr\[\d+\] ".*"(?:\n".*")*\n?)+',
                   lambda m: forms(m.group(0).rstrip("\n")) + "\n", fixed, flags=re.M)
    if fixed != text:
        with open(po, "w", encoding="utf-8") as handle:
            handle.write(fixed)
    return fixed != text


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


PLACEHOLDER = re.compile(r"%\((\w+)\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]|%[sdif]|%%")
BROKEN_PLACEHOLDER = re.compile(r"%\((?!\w+\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa])")


def _placeholders(text):
    return sorted(m.group(0) for m in PLACEHOLDER.finditer(text or "") if m.group(0) != "%%")


def translated_entries(lang, folder=None):
    """``(source forms, translated forms)`` of every translated entry of ``lang``'s catalog
    (one form each for a singular message, all forms for a plural one)."""
    catalog = _read(os.path.join(folder or TRANSLATIONS, lang, "LC_MESSAGES", "messages.po"),
                    lang)
    for message in catalog:
        if not message.id or not _translated(message):
            continue
        ids = list(message.id) if isinstance(message.id, (list, tuple)) else [message.id]
        strings = list(message.string) if isinstance(message.string, (list, tuple)) \
            else [message.string]
        yield ids, strings


def placeholder_problems(lang, folder=None):
    """Entries whose translation's placeholders differ from the source's: ``[(msgid, why)]``.
    ``crash`` problems (an unknown or malformed placeholder) would make the page fail."""
    problems = []
    for ids, strings in translated_entries(lang, folder):
        source = set()
        for msgid in ids:
            source |= set(_placeholders(msgid))
        for string in strings:
            mine = set(_placeholders(string))
            if BROKEN_PLACEHOLDER.search(string or "") or mine - source:
                problems.append((ids[0], "crash", string))
            elif len(ids) == 1 and mine != source and "%" in ids[0]:
                problems.append((ids[0], "missing", string))
    return problems


class CatalogRefused(Exception):
    """A catalog would crash a page: nothing was compiled."""


def compile_catalogs(languages=None, folder=None):
    """Compile every catalog to .mo, refusing (before writing anything) a catalog with a broken
    placeholder: a page formatting such a string would fail."""
    folder = folder or TRANSLATIONS
    languages = languages or installed_languages(folder)
    crashes = {lang: [p for p in placeholder_problems(lang, folder) if p[1] == "crash"]
               for lang in languages}
    crashes = {lang: found for lang, found in crashes.items() if found}
    if crashes:
        raise CatalogRefused(crashes)
    _pybabel("compile", "-d", folder, "--use-fuzzy")


def installed_languages(folder=None):
    """The languages with a catalog under ``folder`` (English, the source, is not one of them;
    adding one is ``translate add``)."""
    return tuple(code for code in _language_list(folder or TRANSLATIONS) if code != "en")


LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(_[A-Z][a-z]{3})?(_[A-Z]{2})?$")


class LanguageRefused(Exception):
    """``translate add`` refused the code (the message says why); nothing was written."""


def add_language(code, folder=None):
    """Rule: a new interface language is one catalog created from the template (as ``pybabel
    init`` does, through Babel's catalog API), pre-filled with FAB's translations when FAB
    ships that language and given the language's real plural rule; once compiled it is in the
    language menu (``config.installed_languages`` lists the catalogs). The code must be a
    language Babel knows ("de", "ka", "pt_BR"), not English nor one already installed.
    Returns the new catalog's path."""
    folder = folder or TRANSLATIONS
    if not LANGUAGE_CODE.match(code or ""):
        raise LanguageRefused(f"{code!r} is not a language code such as de, ka or pt_BR")
    try:
        locale = Locale.parse(code)
    except (ValueError, UnknownLocaleError):
        raise LanguageRefused(f"Babel knows no language {code!r}") from None
    if code == "en" or code in installed_languages(folder):
        raise LanguageRefused(f"{code!r} is already installed")
    template = _read(os.path.join(folder, "messages.pot"))
    catalog = Catalog(locale=locale, domain="messages", project=template.project,
                      version=template.version, msgid_bugs_address=template.msgid_bugs_address,
                      copyright_holder=template.copyright_holder, fuzzy=False,
                      creation_date=template.creation_date, revision_date=_FIXED_DATE)
    for message in template:
        if message.id:
            catalog.add(message.id, None, list(message.locations), flags=message.flags,
                        auto_comments=message.auto_comments, user_comments=message.user_comments,
                        previous_id=message.previous_id, context=message.context)
    po = os.path.join(folder, code, "LC_MESSAGES", "messages.po")
    os.makedirs(os.path.dirname(po), exist_ok=True)
    _write(po, catalog)
    _prefill_from_fab(code, po)
    fix_plural_forms(code, po)
    return po


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


ALLOWED_WORDS_FILE = "allowed_words.txt"
_LETTERS = re.compile(r"[^\W\d_]+")
_NOT_TEXT = re.compile(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]|%[sdif]|\{\w*\}|<[^>]+>")


def allowed_entries(lang=None, folder=None):
    """The lines of ``translations/allowed_words.txt`` that apply to ``lang``: those before any
    ``[code]`` header apply to every language, those under ``[fr]`` to French only (``None``:
    the common lines). ``#`` starts a comment."""
    path = os.path.join(folder or TRANSLATIONS, ALLOWED_WORDS_FILE)
    entries, section = [], None
    if not os.path.exists(path):
        return entries
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            line = line.split("#", 1)[0].strip()
            header = re.fullmatch(r"\[(\w+)\]", line)
            if header:
                section = header.group(1)
            elif line and section in (None, lang):
                entries.append(line)
    return entries


def allowed_words(lang=None, folder=None):
    """The words (lower-case) that may read as in English in ``lang``: names, units, codes."""
    words = set()
    for entry in allowed_entries(lang, folder):
        words |= {word.lower() for word in _LETTERS.findall(entry)}
    return words


def identical_to_english(lang, folder=None):
    """Rule: a translation may equal its English source only when every word of the source is
    on the language's allow-list (translations/allowed_words.txt: brand names, units, codes such
    as "PDF", "OpenID"; French words spelt as in English under ``[fr]``), or the source has no
    word at all. Returns the msgids whose translation (any plural form) is the English outside
    that list."""
    allowed = allowed_words(lang, folder)
    found = []
    for ids, strings in translated_entries(lang, folder):
        if not any(string.strip() in {msgid.strip() for msgid in ids} for string in strings):
            continue
        words = {word.lower() for msgid in ids
                 for word in _LETTERS.findall(_NOT_TEXT.sub(" ", msgid))}
        if words - allowed:
            found.append(ids[0])
    return found
