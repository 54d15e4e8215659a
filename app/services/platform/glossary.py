"""One term per concept: each language's glossary and the check that its catalog keeps to it.

A glossary is ``translations/<lang>/glossary.txt``, one English term a line::

    instructor: инструктор | преподавател, тренер

Left of the colon the English term (matched in a message's source as a whole word, plurals and
possessives included: "instructor" also finds "Instructors" and "instructor's"; a hyphen also
matches a space: "write-off" finds "write off"). Then the accepted translation, then after ``|``
the synonyms that are NOT allowed for it. Translations and synonyms are stems: a word of the
translation that *starts* with one matches (so "инструктор" covers "инструктора",
"инструкторов"; Russian, Ukrainian and Armenian inflect). Several accepted stems or synonyms are
separated by commas; a synonym ending in ``$`` matches only that exact word (Armenian "դաս$",
lesson, must not catch "դասընթաց", course); ``#`` starts a comment. A word that another term
of the same message accepts is not a violation (Armenian "այց" is "visit", and a synonym of
"session").
"""
import os
import re

from app.services.platform import translations

GLOSSARY_FILE = "glossary.txt"


def _folder(folder):
    return folder or translations.TRANSLATIONS


def glossary_path(lang, folder=None):
    return os.path.join(_folder(folder), lang, GLOSSARY_FILE)


def _stems(text):
    return [stem.strip() for stem in text.split(",") if stem.strip()]


def load_glossary(lang, folder=None):
    """The language's glossary: ``{english term: {"accepted": [stems], "forbidden": [stems]}}``
    (empty when the language has no glossary file)."""
    path = glossary_path(lang, folder)
    glossary = {}
    if not os.path.exists(path):
        return glossary
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            term, sep, rest = line.partition(":")
            if not sep or not term.strip():
                raise ValueError(f"{path}:{number}: expected 'term: translation | synonyms'")
            accepted, _bar, forbidden = rest.partition("|")
            glossary[term.strip().lower()] = {"accepted": _stems(accepted),
                                              "forbidden": _stems(forbidden)}
    return glossary


def _term_pattern(term):
    words = [re.escape(part) for part in re.split(r"[- ]", term)]
    return re.compile(r"(?<![\w-])" + r"[- ]?".join(words) + r"(?:s|es|'s)?(?![\w-])", re.I)


def _stem_pattern(stem):
    if stem.endswith("$"):  # that exact word, not a stem ("дас$" is not "դասընթաց")
        return re.compile(r"(?<!\w)" + re.escape(stem[:-1]) + r"(?![\w'’-])", re.I)
    return re.compile(r"(?<!\w)" + re.escape(stem) + r"[\w'’-]*", re.I)


def _accepted_by(word, stems):
    word = word.lower()
    return any(word.startswith(stem.lower()) for stem in stems if not stem.endswith("$"))


def _texts(value):
    return [v for v in (value if isinstance(value, (list, tuple)) else [value]) if v]


def glossary_violations(lang, folder=None):
    """Rule: a translation of a message whose source contains a glossary term must not use one
    of the synonyms the glossary forbids for that term. Returns one dict per violation:
    ``{"msgid", "term", "expected", "found"}`` (``expected`` the accepted translation,
    ``found`` the forbidden word as the translation uses it). Untranslated entries are gaps,
    not violations."""
    glossary = load_glossary(lang, folder)
    if not glossary:
        return []
    patterns = {term: _term_pattern(term) for term in glossary}
    rules = [(term, patterns[term], ", ".join(entry["accepted"]),
              [_stem_pattern(stem) for stem in entry["forbidden"]])
             for term, entry in glossary.items() if entry["forbidden"]]
    po = os.path.join(_folder(folder), lang, "LC_MESSAGES", "messages.po")
    violations = []
    for message in translations._read(po, lang):
        if not message.id:
            continue
        sources = _texts(message.id)
        strings = _texts(message.string)
        if not strings:
            continue
        present = [term for term, pattern in patterns.items()
                   if any(pattern.search(source) for source in sources)]
        for term, pattern, expected, synonyms in rules:
            if term not in present:
                continue
            # a word another term of the message accepts is that term's ("visit" in Armenian
            # is "այց", a synonym "session" forbids), not a synonym of this one
            others = [stem for other in present if other != term
                      for stem in glossary[other]["accepted"]]
            for synonym in synonyms:
                found = next((m.group(0) for s in strings for m in synonym.finditer(s)
                              if not _accepted_by(m.group(0), others)), None)
                if found:
                    violations.append({"msgid": sources[0], "term": term,
                                       "expected": expected, "found": found})
                    break
    return violations
