"""Catalogs served live: a changed catalog or a new language is seen without a restart.

Rule: the app serves the catalogs of its ``TRANSLATIONS_FOLDER``. Each process (every gunicorn
worker, the rq worker) compares, at most once per ``TRANSLATIONS_CHECK_SECONDS`` and at the
start of a request, the folder's catalogs (which languages have a ``.po``; each ``.mo``'s
inode, size and mtime) with what it loaded; when they differ it drops flask-babel's cached
catalogs and re-reads the language list (``app.config["LANGUAGES"]``, the language menu). The
workbench writes every ``.mo`` by atomic rename, so a process never reads half a file, and
forces the check in its own process right after writing.
"""
import os
import threading
import time
from collections.abc import Mapping

from config import installed_languages


class LiveLanguages(Mapping):
    """``app.config["LANGUAGES"]``: English plus the languages with a catalog in the folder,
    re-read by :func:`notice_changes` (behaves as the plain dict FAB expects)."""

    def __init__(self, folder):
        self._data = installed_languages(folder)

    def reload(self, folder):
        self._data = installed_languages(folder)

    def __getitem__(self, code):
        return self._data[code]

    def __iter__(self):
        return iter(self._data)

    def __len__(self):
        return len(self._data)

    def __repr__(self):
        return f"LiveLanguages({self._data!r})"

    def copy(self):
        return dict(self._data)


class _State:
    def __init__(self):
        self.checked_at = float("-inf")
        self.signature = None
        self.lock = threading.Lock()


def catalog_signature(folder):
    """What identifies the catalogs a process has loaded: each language with a ``.po`` and its
    ``.mo``'s inode, size and modification time (None while not compiled)."""
    found = []
    codes = sorted(os.listdir(folder)) if os.path.isdir(folder) else []
    for code in codes:
        base = os.path.join(folder, code, "LC_MESSAGES")
        if not os.path.isfile(os.path.join(base, "messages.po")):
            continue
        try:
            stat = os.stat(os.path.join(base, "messages.mo"))
            found.append((code, stat.st_ino, stat.st_size, stat.st_mtime_ns))
        except FileNotFoundError:
            found.append((code, None))
    return (os.path.abspath(folder), tuple(found))


def prepare(app):
    """Before FAB starts: serve ``TRANSLATIONS_FOLDER`` and list its languages live."""
    folder = app.config.setdefault("TRANSLATIONS_FOLDER", app.config.get(
        "BABEL_TRANSLATION_DIRECTORIES"))
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = folder
    app.config["LANGUAGES"] = LiveLanguages(folder)
    app.extensions["tessera_catalogs"] = _State()


def install(app):
    """Check for changed catalogs at the start of each request (at most once per interval)."""

    @app.before_request
    def notice_changed_catalogs():
        notice_changes(app)


def notice_changes(app, force=False):
    """Drop this process's cached catalogs and re-read the language list when the folder's
    catalogs changed since the last look; returns whether they had. Looks at most once per
    ``TRANSLATIONS_CHECK_SECONDS`` unless ``force``."""
    state = app.extensions.get("tessera_catalogs")
    if state is None:
        return False
    now = time.monotonic()
    if not force and now - state.checked_at < float(app.config.get(
            "TRANSLATIONS_CHECK_SECONDS", 1)):
        return False
    with state.lock:
        state.checked_at = now
        folder = app.config["TRANSLATIONS_FOLDER"]
        signature = catalog_signature(folder)
        if signature == state.signature:
            return False
        first = state.signature is None
        state.signature = signature
        _serve(app, folder)
    return not first


def _serve(app, folder):
    from flask import has_request_context
    from flask_babel import get_babel, refresh

    babel = get_babel(app)
    directories = babel.translation_directories
    if directories and os.path.abspath(directories[-1]) != os.path.abspath(folder):
        directories[-1] = folder  # FAB's own catalogs come first, ours override them
    languages = app.config.get("LANGUAGES")
    if isinstance(languages, LiveLanguages):
        languages.reload(folder)
    babel.instance.domain_instance.cache.clear()
    if has_request_context():
        refresh()
