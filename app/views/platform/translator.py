"""The translator's workbench (the Translator role's pages, and Admin's): coverage per language,
the entries of a language with their context and an edit box, .po download and upload, and (Admin)
a new language. The rules are in app/services/platform/workbench.py."""
import ast
import os
import re
from functools import lru_cache

from flask import current_app, flash, g, redirect, request, send_file, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _, lazy_gettext as _l, ngettext
from werkzeug.routing import BuildError

from app.services.platform import DomainError, workbench
from app.views.platform.base import add_menu_view

STATUS_LABELS = {"all": _l("All"), "missing": _l("Missing"), "fuzzy": _l("Fuzzy")}
APP_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
REPO_ROOT = os.path.dirname(APP_ROOT)
TEMPLATE_NAME = re.compile(r"""["']([\w/.-]+\.html)["']""")


@lru_cache(maxsize=None)
def _classes_of(relpath):
    """``[(first line, last line, class name)]`` of a Python file of the repository."""
    try:
        with open(os.path.join(REPO_ROOT, relpath), encoding="utf-8") as handle:
            tree = ast.parse(handle.read())
    except (OSError, SyntaxError):
        return ()
    return tuple((node.lineno, node.end_lineno, node.name) for node in ast.walk(tree)
                 if isinstance(node, ast.ClassDef))


@lru_cache(maxsize=None)
def _lines_of(relpath):
    try:
        with open(os.path.join(REPO_ROOT, relpath), encoding="utf-8") as handle:
            return tuple(handle.read().splitlines())
    except OSError:
        return ()


def _class_at(relpath, line):
    """The class around ``line``; outside any class (a ``register`` function adding a menu
    entry), a class of the same file named on that line or the two around it."""
    found = [(first, name) for first, last, name in _classes_of(relpath) if first <= line <= last]
    if found:
        return max(found)[1]
    nearby = " ".join(_lines_of(relpath)[max(0, line - 3):line + 2])
    for _first, _last, name in _classes_of(relpath):
        if re.search(rf"\b{re.escape(name)}\b", nearby):
            return name
    return None


@lru_cache(maxsize=None)
def _template_users():
    """Template name ("money/sell.html") -> ``[(views module path, line)]`` naming it."""
    users = {}
    views = os.path.join(APP_ROOT, "views")
    for directory, _dirs, files in os.walk(views):
        for name in files:
            if not name.endswith(".py"):
                continue
            path = os.path.join(directory, name)
            relpath = os.path.relpath(path, REPO_ROOT).replace(os.sep, "/")
            with open(path, encoding="utf-8") as handle:
                for number, text in enumerate(handle, 1):
                    for template in TEMPLATE_NAME.findall(text):
                        users.setdefault(template, []).append((relpath, number))
    return users


def _view_url(appbuilder, class_name):
    for view in appbuilder.baseviews:
        if type(view).__name__ != class_name:
            continue
        for method in ("list", getattr(view, "default_view", None)):
            if method and hasattr(view, method):
                try:
                    return url_for(f"{view.endpoint}.{method}")
                except BuildError:
                    continue
    return None


def page_for(appbuilder, relpath, line):
    """The URL of a page showing the string at ``relpath:line``, where one can be found: the
    view class around a line of app/views, or the view rendering a template of app/templates."""
    if relpath.startswith("app/views/") and relpath.endswith(".py"):
        name = _class_at(relpath, line)
        return _view_url(appbuilder, name) if name else None
    if relpath.startswith("app/templates/"):
        template = relpath[len("app/templates/"):]
        for user, user_line in _template_users().get(template, ()):
            name = _class_at(user, user_line)
            url = name and _view_url(appbuilder, name)
            if url:
                return url
    return None


class TranslatorView(BaseView):
    route_base = "/translations"
    class_permission_name = "Translation"
    method_permission_name = {"index": "read", "entries": "read", "download": "read",
                              "save": "write", "upload": "write",
                              "add_language": "add_language"}  # Admin only
    default_view = "index"

    @expose("/")
    @has_access
    def index(self):
        return self.render_template(
            "platform/translations.html", title=_("Translations"),
            rows=workbench.coverage(), changes=workbench.recent_changes(),
            may_add=self.appbuilder.sm.can("add_language", "Translation"),
            languages=current_app.config["LANGUAGES"])

    def _entries_page(self, lang, status_code=200, edited=None, error=None, problems=None):
        query = (request.values.get("q") or "").strip()[:200]
        status = request.values.get("status") or "all"
        status = status if status in STATUS_LABELS else "all"
        try:
            page = int(request.values.get("page") or 1)
        except ValueError:
            page = 1
        found = workbench.entries(lang, query, status, page)
        for row in found["rows"]:
            row["pages"] = sorted({url for url in (
                page_for(self.appbuilder, path, line) for path, line in row["locations"]) if url})
            if edited and edited["msgid"] == row["msgid"] and \
                    (edited["context"] or None) == row["context"]:
                row["strings"] = edited["strings"]
                row["error"] = error
        names = current_app.config["LANGUAGES"]
        return self.render_template(
            "platform/translation_entries.html",
            title=_("Translations: %(language)s", language=names.get(lang, {}).get("name", lang)),
            lang=lang, found=found, query=query, status=status, statuses=STATUS_LABELS,
            problems=problems, error=error if edited is None else None,
            may_write=self.appbuilder.sm.can("write", "Translation")), status_code

    @expose("/<lang>/")
    @has_access
    def entries(self, lang):
        try:
            return self._entries_page(lang)
        except DomainError as exc:
            flash(str(exc.message), "danger")
            return redirect(url_for(".index"))

    def _back(self, lang):
        return redirect(url_for(".entries", lang=lang, q=request.form.get("q") or None,
                                status=request.form.get("status") or None,
                                page=request.form.get("page") or None))

    @expose("/<lang>/save", methods=["POST"])
    @has_access
    def save(self, lang):
        msgid = request.form.get("msgid", "")
        context = request.form.get("context") or None
        count = int(request.form.get("forms") or 1) if (request.form.get("forms") or "1").isdigit() \
            else 1
        strings = [request.form.get(f"string_{index}", "") for index in range(min(count, 10))]
        try:
            workbench.save_entry(lang, msgid, context, strings, user=g.user)
        except DomainError as exc:
            edited = {"msgid": msgid, "context": context, "strings": strings}
            reasons = [str(p["reason"]) for p in getattr(exc, "problems", [])] or \
                [str(exc.message)]
            try:
                return self._entries_page(lang, 422, edited, "; ".join(reasons))
            except DomainError:
                flash(str(exc.message), "danger")
                return redirect(url_for(".index"))
        flash(_("Translation saved; the pages show it now."), "success")
        return self._back(lang)

    @expose("/<lang>/download")
    @has_access
    def download(self, lang):
        try:
            data, name = workbench.download(lang)
        except DomainError as exc:
            flash(str(exc.message), "danger")
            return redirect(url_for(".index"))
        import io

        return send_file(io.BytesIO(data), mimetype="text/x-gettext-translation",
                         as_attachment=True, download_name=name)

    @expose("/<lang>/upload", methods=["POST"])
    @has_access
    def upload(self, lang):
        upload = request.files.get("catalog")
        if upload is None or not upload.filename:
            flash(_("Choose a .po file to upload."), "danger")
            return redirect(url_for(".entries", lang=lang))
        try:
            changed = workbench.upload(lang, upload.read(), user=g.user)
        except DomainError as exc:
            problems = getattr(exc, "problems", None)
            if problems is None:
                flash(str(exc.message), "danger")
                return redirect(url_for(".index"))
            return self._entries_page(lang, 422, error=str(exc.message), problems=problems)
        flash(ngettext("Catalog uploaded: %(num)d entry changed; the pages show it now.",
                       "Catalog uploaded: %(num)d entries changed; the pages show them now.",
                       changed), "success")
        return redirect(url_for(".entries", lang=lang))

    @expose("/add-language", methods=["POST"])
    @has_access
    def add_language(self):
        code = (request.form.get("code") or "").strip()
        try:
            workbench.add_language(code, user=g.user)
        except DomainError as exc:
            flash(str(exc.message), "danger")
            return redirect(url_for(".index"))
        flash(_("Language added: it is in the language menu now."), "success")
        return redirect(url_for(".index"))


def register(appbuilder):
    add_menu_view(appbuilder, TranslatorView, "Translations", "Administration",
                  icon="fa-language", label=_l("Translations"),
                  category_label=_l("Administration"))
