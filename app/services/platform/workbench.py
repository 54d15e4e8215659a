"""The translator's workbench: coverage, entries, edits, .po download and upload, new languages.

Rules:
- Coverage per language: entries translated, fuzzy and missing, glossary violations and
  placeholder problems (the same checks as ``flask translate check``).
- An edited translation keeps the source's placeholders (``%(name)s``, ``%d``…) and has no
  broken ``%(``; saving clears the fuzzy flag, rewrites the ``.po`` atomically (its header kept),
  recompiles that language's ``.mo`` (refused, nothing written, when the catalog would crash a
  page) and makes every process serve it without a restart (``live_catalogs``). One lock per
  catalog file serialises writers, so two translators saving different entries of one language
  at once both keep their change. Every change is logged (who, when, which entry, before/after).
- An uploaded ``.po`` is checked first (it parses, is the same language, keeps placeholders,
  has the language's number of plural forms, names no msgid the template lacks); a refused file
  changes nothing and every reason is reported with its line. An accepted one replaces the
  translations of the entries it holds (the template's entries only), then compiles and reloads.
- A language is added from the template (``translations.add_language``) and compiled at once,
  so it is in the language menu without a restart.
"""
import fcntl
import hashlib
import io
import os
import tempfile
from contextlib import contextmanager

from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileError, read_po, write_po
from flask import current_app
from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.models.translations import TranslationChange
from app.services.platform import live_catalogs, translations
from app.services.platform.errors import DomainError, NotFound
from app.services.platform.glossary import glossary_violations

STATUSES = ("all", "missing", "fuzzy")
PAGE_SIZE = 50
FORM_SEPARATOR = "\n|\n"


class CatalogProblems(DomainError):
    """A translation or an uploaded catalog was refused; ``problems`` lists every reason as
    ``{"line", "msgid", "reason"}`` (line None when not tied to one)."""

    status_code = 422

    def __init__(self, message, problems):
        super().__init__(message)
        self.problems = problems


def folder():
    """The catalogs the app serves (``TRANSLATIONS_FOLDER``)."""
    return current_app.config["TRANSLATIONS_FOLDER"]


def catalog_path(lang, base=None):
    return os.path.join(base or folder(), lang, "LC_MESSAGES", "messages.po")


def languages(base=None):
    """The translated languages (English is the source) with a catalog in the folder."""
    return translations.installed_languages(base or folder())


def _known(lang, base):
    if lang not in languages(base):
        raise NotFound(_l("There is no catalog for the language %(lang)s.", lang=lang))
    return catalog_path(lang, base)


_parsed = {}


def _read(path, lang=None):
    """The parsed catalog at ``path`` (cached per file version; never mutate the result)."""
    stat = os.stat(path)
    key = (path, stat.st_ino, stat.st_size, stat.st_mtime_ns)
    catalog = _parsed.get(key)
    if catalog is None:
        with open(path, "rb") as handle:
            catalog = read_po(handle, locale=lang)
        for old in [k for k in _parsed if k[0] == path]:
            del _parsed[old]
        while len(_parsed) >= 16:  # a few folders' catalogs at most
            del _parsed[next(iter(_parsed))]
        _parsed[key] = catalog
    return catalog


def _read_fresh(path, lang):
    with open(path, "rb") as handle:
        return read_po(handle, locale=lang)


def _strings(message):
    if isinstance(message.string, (list, tuple)):
        return list(message.string)
    return [message.string or ""]


def _is_plural(message):
    return isinstance(message.id, (list, tuple))


def _translated(message):
    return all(_strings(message))


def coverage(base=None):
    """One row per language: ``lang, name, total, translated, fuzzy, missing, glossary,
    placeholders`` (an entry is translated when every form is filled and it is not fuzzy)."""
    base = base or folder()
    names = live_catalogs.installed_languages(base)
    rows = []
    for lang in languages(base):
        catalog = _read(catalog_path(lang, base), lang)
        total = fuzzy = missing = 0
        for message in catalog:
            if not message.id:
                continue
            total += 1
            if not _translated(message):
                missing += 1
            elif "fuzzy" in message.flags:
                fuzzy += 1
        rows.append({"lang": lang, "name": names.get(lang, {}).get("name", lang), "total": total,
                     "translated": total - missing - fuzzy, "fuzzy": fuzzy, "missing": missing,
                     "glossary": len(glossary_violations(lang, base)),
                     "placeholders": len(translations.placeholder_problems(lang, base))})
    return rows


def _row(message, nplurals):
    ids = list(message.id) if _is_plural(message) else [message.id]
    strings = _strings(message)
    if _is_plural(message):
        strings = (strings + [""] * nplurals)[:max(nplurals, len(strings))]
    return {"msgid": ids[0], "msgid_plural": ids[1] if len(ids) > 1 else None,
            "context": message.context, "strings": strings, "plural": _is_plural(message),
            "fuzzy": "fuzzy" in message.flags, "translated": _translated(message),
            "locations": [(path, line) for path, line in message.locations],
            "comments": list(message.auto_comments)}


def entries(lang, query="", status="all", page=1, per_page=PAGE_SIZE, base=None):
    """A page of ``lang``'s entries whose source or translation contains ``query`` (any case),
    all of them or only the ``missing`` or ``fuzzy`` ones: ``{"rows", "total", "page",
    "pages", "nplurals"}``."""
    catalog = _read(_known(lang, base), lang)
    needle = (query or "").strip().casefold()
    status = status if status in STATUSES else "all"
    found = []
    for message in catalog:
        if not message.id:
            continue
        if status == "missing" and _translated(message):
            continue
        if status == "fuzzy" and ("fuzzy" not in message.flags or not _translated(message)):
            continue
        if needle:
            ids = list(message.id) if _is_plural(message) else [message.id]
            text = "\n".join(ids + _strings(message) + [message.context or ""]).casefold()
            if needle not in text:
                continue
        found.append(message)
    pages = max(1, -(-len(found) // per_page))
    page = min(max(1, int(page or 1)), pages)
    chunk = found[(page - 1) * per_page:page * per_page]
    return {"rows": [_row(message, catalog.num_plurals) for message in chunk],
            "total": len(found), "page": page, "pages": pages,
            "nplurals": catalog.num_plurals}


def _source_placeholders(message):
    ids = list(message.id) if _is_plural(message) else [message.id]
    found = set()
    for msgid in ids:
        found |= set(translations._placeholders(msgid))
    return found


def translation_problems(message, strings):
    """Why ``strings`` may not translate ``message`` (empty list: they may). A translation keeps
    exactly the source's placeholders (a plural form may leave out a named one, e.g. the count
    in the singular), and never has a broken ``%(``."""
    source = _source_placeholders(message)
    positional = sorted(p for p in source if not p.startswith("%("))
    problems = []
    for string in strings:
        if not string:
            continue
        mine = set(translations._placeholders(string))
        if translations.BROKEN_PLACEHOLDER.search(string):
            problems.append(_l("A placeholder is broken: %(text)s", text=string))
        elif mine - source:
            problems.append(_l("Placeholders unknown to the source: %(found)s",
                               found=", ".join(sorted(mine - source))))
        elif _is_plural(message) and sorted(
                p for p in mine if not p.startswith("%(")) != positional:
            problems.append(_l("The placeholders must be those of the source: %(expected)s",
                               expected=", ".join(sorted(source))))
        elif not _is_plural(message) and mine != source:
            problems.append(_l("The placeholders must be those of the source: %(expected)s",
                               expected=", ".join(sorted(source))))
    return problems


def _crashes(catalog):
    """Entries of ``catalog`` whose translation would crash a page (unknown or broken
    placeholder)."""
    crashes = []
    for message in catalog:
        if not message.id:
            continue
        source = _source_placeholders(message)
        for string in _strings(message):
            if string and (translations.BROKEN_PLACEHOLDER.search(string)
                           or set(translations._placeholders(string)) - source):
                crashes.append((message.id if not _is_plural(message) else message.id[0],
                                string))
    return crashes


@contextmanager
def catalog_lock(path):
    """One writer at a time per catalog file, across threads and processes (an exclusive
    ``flock`` on a lock file named after the catalog's path, in the system's temp folder)."""
    digest = hashlib.sha1(os.path.realpath(path).encode()).hexdigest()[:16]
    lock_path = os.path.join(tempfile.gettempdir(), f"tessera-catalog-{digest}.lock")
    with open(lock_path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _atomic_write(path, data):
    directory = os.path.dirname(path)
    fd, tmp = tempfile.mkstemp(prefix=".tessera-", dir=directory)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _po_bytes(catalog):
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=100, omit_header=False)
    return buffer.getvalue()


def _write_catalog(lang, catalog, path):
    """Refuse a catalog that would crash a page; else write the ``.po`` then its ``.mo``
    (fuzzy entries included, as ``translate compile`` does), both atomically."""
    crashes = _crashes(catalog)
    if crashes:
        raise CatalogProblems(_l("This catalog would break pages: nothing was saved."), [
            {"line": None, "msgid": msgid,
             "reason": _l("A placeholder is broken: %(text)s", text=string)}
            for msgid, string in crashes])
    _atomic_write(path, _po_bytes(catalog))
    compile_language(lang, catalog, path)


def compile_language(lang, catalog, path):
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=True)
    _atomic_write(os.path.join(os.path.dirname(path), "messages.mo"), buffer.getvalue())


def _reload():
    live_catalogs.notice_changes(current_app._get_current_object(), force=True)


def _joined(strings):
    return FORM_SEPARATOR.join(strings)


def _change(lang, kind, user, msgid=None, context=None, old=None, new=None):
    return TranslationChange(language=lang, kind=kind, user_id=getattr(user, "id", None),
                             username=getattr(user, "username", None), msgid=msgid,
                             context=context, old=old, new=new)


def save_entry(lang, msgid, context, strings, user=None, base=None):
    """Translate one entry (``strings``: one per plural form) and serve it at once; returns the
    saved row. Refused with the reasons when the placeholders differ from the source's."""
    path = _known(lang, base)
    strings = [("" if s is None else str(s)).replace("\r\n", "\n") for s in strings]
    with catalog_lock(path):
        catalog = _read_fresh(path, lang)
        message = catalog.get(msgid, context=context or None)
        if message is None or not message.id:
            raise NotFound(_l("This entry is no longer in the catalog."))
        if _is_plural(message):
            if len(strings) != catalog.num_plurals:
                raise CatalogProblems(_l("This language has %(n)d plural forms.",
                                         n=catalog.num_plurals), [])
        elif len(strings) != 1:
            raise CatalogProblems(_l("This entry has no plural forms."), [])
        problems = translation_problems(message, strings)
        if problems:
            raise CatalogProblems(problems[0], [
                {"line": None, "msgid": msgid, "reason": reason} for reason in problems])
        old = _joined(_strings(message))
        message.string = tuple(strings) if _is_plural(message) else strings[0]
        message.flags.discard("fuzzy")
        _write_catalog(lang, catalog, path)
        db.session.add(_change(lang, "edit", user, msgid, context, old, _joined(strings)))
        db.session.commit()
    _reload()
    return _row(message, catalog.num_plurals)


def download(lang, base=None):
    """The language's ``.po`` as bytes, and its file name."""
    path = _known(lang, base)
    with open(path, "rb") as handle:
        return handle.read(), f"tessera-{lang}.po"


def _template(base):
    return _read(os.path.join(base, "messages.pot"))


def check_upload(lang, data, base=None):
    """Every reason to refuse ``data`` as ``lang``'s catalog (``[]``: acceptable) and the parsed
    catalog (None when it does not parse)."""
    base = base or folder()
    current = _read(_known(lang, base), lang)
    try:
        uploaded = read_po(io.BytesIO(data), abort_invalid=True)
    except (PoFileError, UnicodeDecodeError, ValueError) as exc:
        line = getattr(exc, "lineno", None)
        return [{"line": line, "msgid": None,
                 "reason": _l("The file is not a readable .po catalog: %(why)s",
                              why=str(exc))}], None
    problems = []
    found_lang = str(uploaded.locale) if uploaded.locale else None
    if found_lang != lang:
        problems.append({"line": None, "msgid": None, "reason": _l(
            "The file is for the language %(found)s, not %(lang)s.",
            found=found_lang or "?", lang=lang)})
        return problems, uploaded
    if uploaded.num_plurals != current.num_plurals:
        problems.append({"line": None, "msgid": None, "reason": _l(
            "The file has %(found)d plural forms; this language has %(expected)d.",
            found=uploaded.num_plurals, expected=current.num_plurals)})
    template = _template(base)
    for message in uploaded:
        if not message.id:
            continue
        line = message.lineno
        key = message.id[0] if _is_plural(message) else message.id
        known = template.get(key, context=message.context)
        if known is None:
            problems.append({"line": line, "msgid": key,
                             "reason": _l("This text is not in the template.")})
            continue
        if _is_plural(message) != _is_plural(known):
            problems.append({"line": line, "msgid": key, "reason": _l(
                "The plural forms differ from the template's.")})
            continue
        if _is_plural(message) and len(_strings(message)) != current.num_plurals:
            problems.append({"line": line, "msgid": key, "reason": _l(
                "%(found)d plural forms; this language has %(expected)d.",
                found=len(_strings(message)), expected=current.num_plurals)})
            continue
        for reason in translation_problems(known, _strings(message)):
            problems.append({"line": line, "msgid": key, "reason": reason})
    return problems, uploaded


def upload(lang, data, user=None, base=None):
    """Replace ``lang``'s translations by those of the uploaded ``.po`` (refused whole, with
    every reason, when :func:`check_upload` finds any); returns how many entries changed."""
    base = base or folder()
    path = _known(lang, base)
    problems, uploaded = check_upload(lang, data, base)
    if problems:
        raise CatalogProblems(_l("The file was refused; nothing was changed."), problems)
    with catalog_lock(path):
        catalog = _read_fresh(path, lang)
        changes = []
        for message in catalog:
            if not message.id:
                continue
            key = message.id[0] if _is_plural(message) else message.id
            theirs = uploaded.get(key, context=message.context)
            if theirs is None:
                continue
            new = _strings(theirs)
            new_fuzzy = "fuzzy" in theirs.flags
            if new == _strings(message) and new_fuzzy == ("fuzzy" in message.flags):
                continue
            changes.append(_change(lang, "upload", user, key, message.context,
                                   _joined(_strings(message)), _joined(new)))
            message.string = tuple(new) if _is_plural(message) else new[0]
            if new_fuzzy:
                message.flags.add("fuzzy")
            else:
                message.flags.discard("fuzzy")
        if changes:
            _write_catalog(lang, catalog, path)
            db.session.add_all(changes)
            db.session.commit()
    _reload()
    return len(changes)


def add_language(code, user=None, base=None):
    """Add an interface language from the template and compile it: it is in the language menu
    of every process within a second, no restart."""
    base = base or folder()
    try:
        path = translations.add_language(code, base)
    except translations.LanguageRefused as exc:
        raise DomainError(_l("This language cannot be added: %(why)s", why=str(exc)),
                          field="code") from None
    with catalog_lock(path):
        catalog = _read_fresh(path, code)
        compile_language(code, catalog, path)
    db.session.add(_change(code, "add_language", user))
    db.session.commit()
    _reload()
    return path


def recent_changes(lang=None, limit=20):
    """The latest changes made on the workbench (all languages or one), newest first."""
    query = db.session.query(TranslationChange)
    if lang:
        query = query.filter(TranslationChange.language == lang)
    return query.order_by(TranslationChange.at.desc(), TranslationChange.id.desc()) \
        .limit(limit).all()
