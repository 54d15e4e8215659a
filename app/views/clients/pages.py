"""Hand-written client pages: the client card (with documents), search, Excel import/export and
manager reassignment with undo."""
import io
import os
from datetime import date, datetime

from flask import abort, current_app, flash, g, redirect, request, send_file, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_appbuilder.urltools import get_filter_args, get_order_args
from flask_babel import gettext as _, lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models.clients import Client
from app.security import role_can
from app.services.clients import documents
from app.services.clients import export as clients_export
from app.services.clients import importing as exchange
from app.services.clients import managers as clients_managers
from app.services.clients.card import build_card_sections, register_card_section
from app.services.clients.records import (AGE_CATEGORY_LABELS, DuplicateClient, can_edit_medical,
                                          can_see_medical, save_client)
from app.services.clients.scope import visible_client_filter
from app.services.clients.search import search_clients, search_organisations
from app.services.platform import DomainError
from app.views.platform.base import add_menu_link

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _can(action_name, resource):
    return any(role_can(role.name, action_name, resource) for role in g.user.roles)


def documents_section(client):
    return {"items": documents.client_documents(client.id),
            "kinds": documents.DOCUMENT_KIND_LABELS}


def audit_section(client):
    from app.services import audit

    hidden = audit.hidden_fields_for(_can)
    return {"entries": audit.record_history("client", client.id, hidden, limit=200)}


register_card_section("audit", _l("Audit history"), audit_section, "clients/card_audit.html",
                      order=90, permission=("read", "Audit"))
register_card_section("documents", _l("Documents and achievements"), documents_section,
                      "clients/card_documents.html", order=80,
                      permission=("read", "ClientDocument"))


def _visible(query):
    """``query`` limited to the clients the current user may see (see clients_scope)."""
    condition = visible_client_filter(g.user)
    return query if condition is None else query.where(condition)


def visible_client_or_404(client_id, *options):
    """The client, when the current user may see it; else 404 (as if it did not exist)."""
    client = db.session.execute(_visible(select(Client).where(Client.id == client_id))
                                .options(*options)).unique().scalar_one_or_none()
    if client is None:
        abort(404)
    return client


def load_card_client(client_id):
    """The client with everything the card's header shows (guardians and tags too: a few rows
    each) in one statement; 404 for a client the current user may not see."""
    return visible_client_or_404(
        client_id, joinedload(Client.guardians), joinedload(Client.tags),
        joinedload(Client.organisation), joinedload(Client.manager),
        joinedload(Client.category), joinedload(Client.source))


QUICK_FIELDS = ("last_name", "first_name", "birth_date", "phone", "email", "card_number",
                "guardian_name", "guardian_phone")


def _quick_date(text):
    """A birth date typed as 2019-03-07 (the date picker) or 07.03.2019 / 07/03/2019."""
    if not text:
        return None
    for parse in (date.fromisoformat,
                  lambda t: datetime.strptime(t.replace("/", ".").replace("-", "."), "%d.%m.%Y")
                  .date()):
        try:
            return parse(text)
        except ValueError:
            continue
    raise DomainError(_l("Enter the birth date as day.month.year."), field="birth_date")


class ClientCardView(BaseView):
    """One page with everything about a client; sections come from ``CARD_SECTIONS``."""

    route_base = "/clients"
    class_permission_name = "Client"
    method_permission_name = {"card": "read", "search": "read", "photo": "read",
                              "upload_photo": "write", "quick_add": "write"}
    default_view = "search"

    @expose("/<int:client_id>/card")
    @has_access
    def card(self, client_id):
        client = load_card_client(client_id)
        sections = build_card_sections(client, can=_can)
        return self.render_template(
            "clients/card.html", title=client.full_name, client=client, sections=sections,
            age=client.age(), age_category=AGE_CATEGORY_LABELS.get(client.age_category, ""),
            show_medical=can_see_medical(), can_edit=_can("write", "Client"),
            can_upload=_can("write", "ClientDocument"),
            can_delete_document=_can("delete", "ClientDocument"),
            document_kinds=documents.DOCUMENT_KIND_LABELS,
            max_mb=round(documents.max_document_bytes() / 1024 / 1024, 1),
            accept=",".join("." + ext for ext in sorted(documents.ALLOWED_EXTENSIONS)))

    @expose("/quick", methods=["GET", "POST"])
    @has_access
    def quick_add(self):
        """The desk's quick-add form: the six fields a desk needs (names, birth date, phone,
        email, card number) and, for a minor, a guardian; saving lands on the client's card.
        A refused form comes back with what was typed and the reason."""
        values = {name: (request.form.get(name) or "").strip() for name in QUICK_FIELDS}
        duplicate = False
        if request.method == "POST":
            try:
                birth_date = _quick_date(values["birth_date"])
                client = Client(last_name=values["last_name"], first_name=values["first_name"],
                                birth_date=birth_date, phone=values["phone"] or None,
                                email=values["email"] or None,
                                card_number=values["card_number"] or None, active=True)
                guardian = {"full_name": values["guardian_name"],
                            "phone": values["guardian_phone"] or None}
                save_client(client, guardians=[guardian],
                            allow_duplicate=bool(request.form.get("allow_duplicate")))
                flash(_("The client was added."), "success")
                return redirect(url_for("ClientCardView.card", client_id=client.id))
            except DomainError as exc:
                db.session.rollback()
                duplicate = isinstance(exc, DuplicateClient)
                flash(str(exc.message), "danger")
        return self.render_template("clients/quick_add.html", title=_("Quick add client"),
                                    values=values, duplicate=duplicate)

    @expose("/<int:client_id>/photo")
    @has_access
    def photo(self, client_id):
        client = visible_client_or_404(client_id)
        path = documents.photo_path(client.photo)
        if not path or not os.path.exists(path):
            abort(404)
        extension = client.photo.rsplit(".", 1)[-1]
        return send_file(path, mimetype=documents.ALLOWED_EXTENSIONS[extension])

    @expose("/<int:client_id>/photo", methods=["POST"])
    @has_access
    def upload_photo(self, client_id):
        client = visible_client_or_404(client_id)
        upload = request.files.get("photo")
        try:
            if upload is None or not upload.filename:
                raise DomainError(_l("Choose a file to upload."))
            documents.set_client_photo(client, upload.filename, upload.read())
            flash(_("The photo was saved."), "success")
        except DomainError as exc:
            db.session.rollback()
            flash(str(exc.message), "danger")
        return redirect(url_for("ClientCardView.card", client_id=client_id))

    @expose("/search")
    @has_access
    def search(self):
        text = request.args.get("q", "").strip()
        found_clients = search_clients(text, limit=50, for_user=g.user) if text else []
        organisations = (search_organisations(text, limit=20)
                         if text and _can("read", "Organisation") else [])
        return self.render_template("clients/search.html", title=_("Search clients"), q=text,
                                    clients=found_clients, organisations=organisations)


class ClientDocumentView(BaseView):
    route_base = "/clients"
    class_permission_name = "ClientDocument"
    method_permission_name = {"upload": "write", "download": "read", "remove": "delete"}

    @expose("/<int:client_id>/documents", methods=["POST"])
    @has_access
    def upload(self, client_id):
        client = visible_client_or_404(client_id)
        upload = request.files.get("file")
        try:
            if upload is None or not upload.filename:
                raise DomainError(_l("Choose a file to upload."))
            documents.add_document(client, upload.filename, upload.read(),
                                   kind=request.form.get("kind", "other"),
                                   title=request.form.get("title"))
            flash(_("The document was added."), "success")
        except DomainError as exc:
            db.session.rollback()
            flash(str(exc.message), "danger")
        return redirect(url_for("ClientCardView.card", client_id=client_id) + "#documents")

    @expose("/<int:client_id>/documents/<int:document_id>")
    @has_access
    def download(self, client_id, document_id):
        visible_client_or_404(client_id)
        try:
            document = documents.get_document(client_id, document_id)
        except DomainError:
            abort(404)
        path = documents.document_path(document)
        if not os.path.exists(path):
            abort(404)
        return send_file(path, mimetype=document.content_type, as_attachment=True,
                         download_name=document.filename)

    @expose("/<int:client_id>/documents/<int:document_id>/delete", methods=["POST"])
    @has_access
    def remove(self, client_id, document_id):
        visible_client_or_404(client_id)
        try:
            documents.delete_document(documents.get_document(client_id, document_id))
            flash(_("The document was deleted."), "success")
        except DomainError as exc:
            flash(str(exc.message), "danger")
        return redirect(url_for("ClientCardView.card", client_id=client_id) + "#documents")


class ClientExchangeView(BaseView):
    """Excel import (all-or-nothing, with an error report) and export of a filtered list."""

    route_base = "/clients/excel"
    class_permission_name = "Client"
    method_permission_name = {"import_form": "import", "import_template": "import",
                              "import_report": "import", "export": "export"}
    default_view = "import_form"

    @expose("/import", methods=["GET", "POST"])
    @has_access
    def import_form(self):
        result = None
        if request.method == "POST":
            upload = request.files.get("file")
            try:
                if upload is None or not upload.filename:
                    raise DomainError(_l("Choose a file to upload."))
                result = exchange.import_clients(upload.read(), allow_medical=can_edit_medical(),
                                                 manager_id=None)
            except DomainError as exc:
                db.session.rollback()
                flash(str(exc.message), "danger")
            else:
                if result.ok:
                    flash(_("%(count)s clients imported.", count=result.created), "success")
                else:
                    flash(_("Nothing was imported: %(count)s errors. Download the error list, "
                            "correct the file and import it again.", count=len(result.errors)),
                          "danger")
        report = os.path.basename(result.report_path) if result and result.report_path else None
        return self.render_template("clients/import.html", title=_("Import clients"),
                                    result=result, report=report,
                                    errors=(result.errors[:200] if result else []))

    @expose("/import/template")
    @has_access
    def import_template(self):
        return send_file(io.BytesIO(exchange.build_import_template()), mimetype=XLSX,
                         as_attachment=True, download_name="clients-import-template.xlsx")

    @expose("/import/report/<name>")
    @has_access
    def import_report(self, name):
        if not name.startswith("client-import-errors-") or "/" in name or ".." in name:
            abort(404)
        path = os.path.join(current_app.config["REPORTS_FOLDER"], name)
        if not os.path.exists(path):
            abort(404)
        return send_file(path, mimetype=XLSX, as_attachment=True,
                         download_name="client-import-errors.xlsx")

    @expose("/export")
    @has_access
    def export(self):
        """The client list with the filters and order of the list page's query string."""
        query = filtered_list_query(self.appbuilder, "ClientModelView", Client)
        output = io.BytesIO()
        clients_export.export_clients(query, output, include_medical=can_see_medical(),
                                      for_user=g.user)
        output.seek(0)
        return send_file(output, mimetype=XLSX, as_attachment=True,
                         download_name=f"clients-{date.today().isoformat()}.xlsx")


class OrganisationExchangeView(BaseView):
    route_base = "/organisations/excel"
    class_permission_name = "Organisation"
    method_permission_name = {"export": "export"}

    @expose("/export")
    @has_access
    def export(self):
        """The organisation list with the filters and order of the list page's query string."""
        from app.models.clients import Organisation

        query = filtered_list_query(self.appbuilder, "OrganisationModelView", Organisation)
        output = io.BytesIO()
        clients_export.export_organisations(query, output)
        output.seek(0)
        return send_file(output, mimetype=XLSX, as_attachment=True,
                         download_name=f"organisations-{date.today().isoformat()}.xlsx")


def filtered_list_query(appbuilder, view_name, model):
    """An ORM query with the filters and order a list page got in this request's query string
    (the ``_flt_…`` / ``_oc_…`` arguments) and the view's base filters (for clients: only those
    the user may see), never sorting by a column the user may not see."""
    view = next(v for v in appbuilder.baseviews if v.__class__.__name__ == view_name)
    filters = view.datamodel.get_filters(view.search_columns)
    get_filter_args(filters)
    order_column, order_direction = get_order_args().get(view_name, ("", ""))
    if order_column not in (view.order_columns or []):
        order_column, order_direction = "", ""
    default_order = view.base_order or getattr(view.datamodel, "default_order", None)
    if not order_column and default_order:
        order_column, order_direction = default_order
    return view.datamodel.apply_all(db.session.query(model),
                                    filters.get_joined_filters(view._base_filters),
                                    order_column, order_direction)


class ClientReassignView(BaseView):
    """Give a set of clients to another manager; every batch can be undone."""

    route_base = "/clients/reassign"
    class_permission_name = "Client"
    method_permission_name = {"index": "reassign", "undo": "reassign"}
    default_view = "index"

    @expose("/", methods=["GET", "POST"])
    @has_access
    def index(self):
        sm = self.appbuilder.sm
        managers = sorted((u for u in sm.get_all_users() if u.active),
                          key=lambda u: (u.last_name or "", u.first_name or ""))
        ids_text = request.values.get("ids", "")
        if request.method == "POST":
            try:
                ids = [int(x) for x in ids_text.replace(",", " ").split() if x.strip()]
                from_manager = request.form.get("from_manager")
                if from_manager:
                    ids += list(db.session.scalars(select(Client.id).where(
                        Client.manager_id == int(from_manager))))
                new_manager = request.form.get("new_manager")
                if not new_manager:
                    raise DomainError(_l("Choose the new manager."))
                if not ids:
                    raise DomainError(_l("Choose the clients to reassign."))
                batch = clients_managers.reassign_manager(ids, int(new_manager), g.user.id)
                if batch:
                    flash(_("Clients reassigned. You can undo this below."), "success")
                else:
                    flash(_("Nothing to change: these clients already have this manager."),
                          "info")
                return redirect(url_for("ClientReassignView.index"))
            except (DomainError, ValueError) as exc:
                db.session.rollback()
                flash(str(getattr(exc, "message", _("Invalid client numbers."))), "danger")
        names = {u.id: f"{u.first_name} {u.last_name}" for u in managers}
        return self.render_template("clients/reassign.html", title=_("Reassign clients"),
                                    managers=managers, names=names, ids=ids_text,
                                    batches=clients_managers.recent_reassignments())

    @expose("/<batch_id>/undo", methods=["POST"])
    @has_access
    def undo(self, batch_id):
        try:
            count = clients_managers.undo_reassignment(batch_id, g.user.id)
            flash(_("Reassignment undone for %(count)s clients.", count=count), "success")
        except DomainError as exc:
            db.session.rollback()
            flash(str(exc.message), "danger")
        return redirect(url_for("ClientReassignView.index"))


def register(appbuilder):
    crm = dict(category_label=_l("CRM"))
    appbuilder.add_view_no_menu(ClientCardView)
    appbuilder.add_view_no_menu(ClientDocumentView)
    add_menu_link(appbuilder, "Search clients", "/clients/search", "Client", "CRM",
                  icon="fa-search", label=_l("Search clients"), **crm)
    # Import, export and reassignment need more than reading clients: their buttons sit on
    # the client list, shown to roles holding those actions, rather than in the menu.
    appbuilder.add_view_no_menu(ClientExchangeView)
    appbuilder.add_view_no_menu(ClientReassignView)
    appbuilder.add_view_no_menu(OrganisationExchangeView)
