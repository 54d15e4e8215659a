"""Documents pages: the list, issuing one (for a client, organisation, payment or certificate),
one document (progress of its PDF, download, cancel, email), the Admin's template editor with a
live preview, and the client card's section."""
from datetime import date

from flask import abort, flash, g, redirect, request, send_file, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import get_locale, gettext as _, lazy_gettext as _l

from app.extensions import db
from app.jobs.documents import start_email, start_pdf
from app.services.clients import register_card_section
from app.services.documents import client_documents
from app.services.documents.emailing import request_email
from app.services.documents.issuing import (cancel_document, document_file, get_document,
                                            issue_document, recent_documents)
from app.services.documents.kinds import (CLIENT_KINDS, KIND_LABELS, STATUS_LABELS, SUBJECTS,
                                          SUBJECT_LABELS, WITH_PERIOD)
from app.services.documents.templates import (custom_templates, languages, preview,
                                              reset_template, save_template, template_source)
from app.services.platform import DomainError
from app.views.platform.api_support import arg_date, arg_int
from app.views.platform.base import add_menu_link, add_menu_view

SUBJECT_NAMES = ("client", "organisation", "payment", "certificate", "sale", "registration",
                 "participant", "organisation_payment")
CATEGORY = "Documents"
CATEGORY_LABEL = _l("Documents")


def _labels():
    return {"kind_labels": KIND_LABELS, "status_labels": STATUS_LABELS,
            "subject_labels": SUBJECT_LABELS}


def _subject_args(source):
    return {f"{name}_id": arg_int(source.get(f"{name}_id"))
            for name in SUBJECT_NAMES}


class DocumentsView(BaseView):
    route_base = "/documents"
    class_permission_name = "Document"
    method_permission_name = {"index": "read", "show": "read", "download": "read",
                              "new": "write", "issue": "write", "reprint": "write",
                              "cancel": "cancel", "send": "send"}
    default_view = "index"

    @expose("/")
    @has_access
    def index(self):
        return self.render_template("documents/index.html", title=_("Documents"),
                                    items=recent_documents(), **_labels())

    def _new_form(self, values, error=None):
        return self.render_template(
            "documents/new.html", title=_("Issue a document"), values=values, error=error,
            kinds=KIND_LABELS, subjects=SUBJECTS, with_period=WITH_PERIOD,
            subject_names=SUBJECT_NAMES,
            languages=languages(), **_labels())

    @expose("/new")
    @has_access
    def new(self):
        values = {"kind": request.args.get("kind", "invoice"), **_subject_args(request.args),
                  "period_start": "", "period_end": "",
                  "language": request.args.get("language") or str(get_locale() or "en")}
        return self._new_form(values)

    @expose("/new", methods=["POST"])
    @has_access
    def issue(self):
        form = request.form
        values = {"kind": form.get("kind", ""), **_subject_args(form),
                  "period_start": form.get("period_start", ""),
                  "period_end": form.get("period_end", ""), "language": form.get("language")}
        try:
            document = issue_document(
                values["kind"], period_start=arg_date(values["period_start"]),
                period_end=arg_date(values["period_end"]), language=values["language"],
                **_subject_args(form))
            db.session.commit()
        except DomainError as exc:
            db.session.rollback()
            flash(str(exc.message), "danger")
            return self._new_form(values, exc)
        job = start_pdf(document.id, g.user.id)
        return redirect(url_for("DocumentsView.show", document_id=document.id, job=job.id))

    @expose("/<int:document_id>")
    @has_access
    def show(self, document_id):
        try:
            document = get_document(document_id)
        except DomainError:
            abort(404)
        return self.render_template("documents/show.html", title=document.number,
                                    document=document, job_id=request.args.get("job"),
                                    **_labels())

    @expose("/<int:document_id>/pdf")
    @has_access
    def download(self, document_id):
        try:
            path = document_file(document_id)
        except DomainError:
            abort(404)
        return send_file(path, mimetype="application/pdf", as_attachment=True,
                         download_name=f"{get_document(document_id).number}.pdf")

    @expose("/<int:document_id>/print", methods=["POST"])
    @has_access
    def reprint(self, document_id):
        try:
            get_document(document_id)
        except DomainError:
            abort(404)
        job = start_pdf(document_id, g.user.id)
        return redirect(url_for("DocumentsView.show", document_id=document_id, job=job.id))

    @expose("/<int:document_id>/cancel", methods=["POST"])
    @has_access
    def cancel(self, document_id):
        try:
            cancel_document(document_id, request.form.get("reason"))
            db.session.commit()
        except DomainError as exc:
            db.session.rollback()
            flash(str(exc.message), "danger")
            return redirect(url_for("DocumentsView.show", document_id=document_id))
        flash(_("The document is cancelled; it keeps its number."), "success")
        job = start_pdf(document_id, g.user.id)  # the PDF shows it is cancelled
        return redirect(url_for("DocumentsView.show", document_id=document_id, job=job.id))

    @expose("/<int:document_id>/send", methods=["POST"])
    @has_access
    def send(self, document_id):
        try:
            request_email(document_id, request.form.get("email"))
            db.session.commit()
        except DomainError as exc:
            db.session.rollback()
            flash(str(exc.message), "danger")
            return redirect(url_for("DocumentsView.show", document_id=document_id))
        job = start_email(document_id, g.user.id)
        flash(_("The document will be sent by email."), "success")
        return redirect(url_for("DocumentsView.show", document_id=document_id, job=job.id))


class DocumentTemplatesView(BaseView):
    route_base = "/document-templates"
    class_permission_name = "DocumentTemplate"
    method_permission_name = {"index": "read", "edit": "read", "preview": "read",
                              "save": "write", "reset": "write"}
    default_view = "index"

    @expose("/")
    @has_access
    def index(self):
        return self.render_template("documents/templates.html", title=_("Document templates"),
                                    kinds=KIND_LABELS, languages=languages(),
                                    custom=custom_templates())

    def _editor(self, kind, language, body, custom, error=None):
        return self.render_template(
            "documents/template_edit.html", title=_("Document template"), kind=kind,
            kind_label=KIND_LABELS[kind], language=language, body=body, custom=custom,
            error=error)

    def _check(self, kind, language):
        if kind not in KIND_LABELS or language not in languages():
            abort(404)

    @expose("/<string:kind>/<string:language>")
    @has_access
    def edit(self, kind, language):
        self._check(kind, language)
        body, custom = template_source(kind, language)
        return self._editor(kind, language, body, custom)

    @expose("/<string:kind>/<string:language>", methods=["POST"])
    @has_access
    def save(self, kind, language):
        self._check(kind, language)
        body = request.form.get("body", "")
        try:
            save_template(kind, language, body)
            db.session.commit()
        except DomainError as exc:
            db.session.rollback()
            flash(str(exc.message), "danger")
            return self._editor(kind, language, body, template_source(kind, language)[1], exc)
        flash(_("The template is saved."), "success")
        return redirect(url_for("DocumentTemplatesView.edit", kind=kind, language=language))

    @expose("/<string:kind>/<string:language>/reset", methods=["POST"])
    @has_access
    def reset(self, kind, language):
        self._check(kind, language)
        try:
            reset_template(kind, language)
            db.session.commit()
            flash(_("The default template is used again."), "success")
        except DomainError as exc:
            db.session.rollback()
            flash(str(exc.message), "warning")
        return redirect(url_for("DocumentTemplatesView.edit", kind=kind, language=language))

    @expose("/<string:kind>/<string:language>/preview", methods=["POST"])
    @has_access
    def preview(self, kind, language):
        """The posted template rendered against a sample record (HTML for the preview frame),
        or the error with its line (422)."""
        self._check(kind, language)
        try:
            html = preview(kind, language, request.form.get("body"))
        except DomainError as exc:
            return {"message": str(exc.message), "line": exc.details.get("line")}, 422
        return {"html": html}


# --- the client card's section ----------------------------------------------------------------

def documents_section(client):
    """The client's issued documents (two queries) and the kinds that can be issued."""
    return {"items": client_documents(client.id), "client_kinds": CLIENT_KINDS,
            "today": date.today(), **_labels()}


register_card_section("issued_documents", _l("Issued documents"), documents_section,
                      "documents/card_documents.html", order=80, permission=("read", "Document"))


def register(appbuilder):
    from app.views.documents import api

    add_menu_view(appbuilder, DocumentsView, "Issued documents", CATEGORY, icon="fa-file-text-o",
                  label=_l("Issued documents"), category_label=CATEGORY_LABEL,
                  category_icon="fa-file-text-o")
    add_menu_link(appbuilder, "Issue a document", "/documents/new", "Document", CATEGORY,
                  icon="fa-plus", label=_l("Issue a document"), category_label=CATEGORY_LABEL)
    add_menu_view(appbuilder, DocumentTemplatesView, "Document templates", CATEGORY,
                  icon="fa-code", label=_l("Document templates"), category_label=CATEGORY_LABEL)
    api.register(appbuilder)
