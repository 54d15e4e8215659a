"""Find English words left on a page rendered in another language.

A word counts as English when it is a word of our source strings (the msgids of
translations/messages.pot, FAB's included) or a raw Python value (None, True, False), and the
language's own translations do not use it (French shares many words with English: "Date",
"Total"), and it is not allowed (translations/allowed_words.txt: its common lines and the
language's section; names, units, brands). Data is
not interface: the words of the rows in the database (client names, product names…) are allowed
too, so the test needs no page-specific list and new pages are covered as they are added.
"""
import html
import os
import re

from babel.messages.pofile import read_po

from app.services.platform import translations

WORD = re.compile(r"[A-Za-z][A-Za-z']+")
TAGS_DROPPED = re.compile(r"<(script|style|noscript|textarea|code|pre)\b.*?</\1>", re.S | re.I)
ATTRS_SHOWN = re.compile(r'\b(?:title|placeholder|aria-label|data-confirm|alt)="([^"]*)"', re.I)
TAG = re.compile(r"<[^>]+>")
CODE = re.compile(r"^[a-z0-9_]+$")
RAW_VALUES = {"none", "true", "false", "nan"}


def _read(path, locale=None):
    with open(path, "rb") as handle:
        return read_po(handle, locale=locale)


def _words(text):
    return {w.lower().strip("'") for w in WORD.findall(text or "")}


def allowed_words(lang=None):
    """The allow-list's words for ``lang`` (its common lines and the language's section)."""
    return translations.allowed_words(lang)


def english_vocabulary(lang):
    """The English words of our interface that the language ``lang`` does not itself use."""
    source, own = set(), set()
    for message in _read(translations.POT):
        ids = message.id if isinstance(message.id, (list, tuple)) else [message.id]
        for msgid in ids:
            source |= _words(re.sub(r"%\(\w+\)[sdf]|\{\w*\}|<[^>]+>", " ", msgid or ""))
    po = os.path.join(translations.TRANSLATIONS, lang, "LC_MESSAGES", "messages.po")
    for message in _read(po, lang):
        strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
        for string in strings:
            own |= _words(string)
    return (source | RAW_VALUES) - own - allowed_words(lang)


def visible_text(page):
    """The text a reader sees: body text and the attributes a browser shows."""
    page = TAGS_DROPPED.sub(" ", page)
    shown = " ".join(ATTRS_SHOWN.findall(page))
    return html.unescape(TAG.sub(" ", page) + " " + shown)


def english_words(page, vocabulary, data_words=frozenset()):
    """English words on ``page`` (a list, with repeats) outside the data's own words."""
    return [w for w in (x.lower().strip("'") for x in WORD.findall(visible_text(page)))
            if w in vocabulary and w not in data_words]


def database_words(db):
    """Every word stored in the database's text columns (names, titles, notes…): data."""
    from sqlalchemy import Enum, String, Text, select

    words = set()
    for table in db.metadata.sorted_tables:
        if table.name.startswith("ab_") and table.name != "ab_user":
            continue
        columns = [c for c in table.columns
                   if isinstance(c.type, (String, Text)) and not isinstance(c.type, Enum)]
        if not columns:
            continue
        for row in db.session.execute(select(*columns)):
            for value in row:
                # an identifier-like value ("active", "pass_sale") is a code the page must label
                if isinstance(value, str) and not CODE.match(value):
                    words |= _words(value)
    return words
