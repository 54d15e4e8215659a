"""Shared view plumbing: permission actions, form handling that loses nothing, stale edits,
menu registration."""
import logging

from flask import abort, current_app, flash, jsonify, request
from flask_appbuilder import ModelView, expose, has_access
from flask_appbuilder.api import ModelRestApi
from flask_appbuilder.exceptions import FABException
from flask_appbuilder.fields import QuerySelectField
from flask_appbuilder.urltools import get_filter_args, get_order_args, get_page_args, \
    get_page_size_args
from flask_appbuilder.widgets import ListWidget
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm.exc import StaleDataError
from wtforms import HiddenField

from app import formatting
from app.security import register_menu
from app.services.platform.errors import Conflict, DomainError
from app.views.platform.fab_speedups import CachedSearchWidget
from app.views.platform.search_choices import choices, defer_search_choices, page_number

log = logging.getLogger(__name__)

STALE_MESSAGE = _l("Someone else changed this record while you were editing it. "
                   "Your changes were not saved: reload the record and apply them again.")
VERSION_REQUIRED_MESSAGE = _l(
    "Say which version of the record you are changing: send the ETag you read in an If-Match "
    "header, or its version in a \"version\" field.")
RELATED_ID_MESSAGE = _l("The id of an existing record is expected here.")
RELATED_LIST_MESSAGE = _l("A list of ids of existing records is expected here.")
RELATED_MISSING_MESSAGE = _l("No record has this id.")
MAX_DB_INTEGER = 2**31 - 1
BLANK_CHOICE = _l("— not set —")
INTEGRITY_MESSAGE = _l("This would duplicate or break a link to another record; nothing was saved.")

# msgids built at start-up ("Add Tag", "Created By"): `flask translate extract` adds them.
GENERATED_MESSAGES = set()

# ModelView method -> action; FAB then checks can_<action> on the view's resource.
MODELVIEW_ACTIONS = {
    "list": "read",
    "show": "read",
    "download": "read",
    "choices": "read",
    "add": "write",
    "edit": "write",
    "delete": "delete",
    "action": "write",
    "action_post": "write",
}
# ModelRestApi method -> action: the same verbs as the pages.
API_ACTIONS = {
    "get": "read",
    "get_list": "read",
    "info": "read",
    "post": "write",
    "put": "write",
    "delete": "delete",
}


def audited_field_messages():
    """The audit log's field names with no page label ("Starts at"): msgids for extraction."""
    from sqlalchemy import inspect

    from app.models.base import AuditMixin

    messages, pending = set(), list(AuditMixin.__subclasses__())
    while pending:
        model = pending.pop()
        pending.extend(model.__subclasses__())
        if not hasattr(model, "__tablename__"):
            continue
        for column in inspect(model).columns:
            key = column.key
            if (model.__tablename__, key) in formatting.FIELD_LABELS or (
                    key.endswith("_id") and (model.__tablename__, key[:-3]) in formatting.FIELD_LABELS):
                continue
            messages.add(key.replace("_", " ").capitalize())
    return messages


def label_blank_choices(*forms):
    """FAB's related-record pickers offer an empty choice with no text, which WTForms 3.3
    renders as its value, "__None": give the empty choice of every such field a label."""
    for form in forms:
        for name in dir(form or ()):
            unbound = getattr(form, name, None)
            field_class = getattr(unbound, "field_class", None)
            if isinstance(field_class, type) and issubclass(field_class, QuerySelectField) \
                    and not unbound.kwargs.get("blank_text"):
                unbound.kwargs["blank_text"] = BLANK_CHOICE
    return forms


class TesseraListWidget(ListWidget):
    """FAB's list widget with each row's buttons rendered once per page, not once per row; a
    view may pass ``red_pks`` (rows marked red)."""

    template = "platform/list_widget.html"


class TesseraModelView(ModelView):
    """A ModelView whose permissions are the resource's read/write/delete actions.

    Unlike FAB's default, a refused save (a ``DomainError`` from ``pre_add``/``pre_update``, a
    stale version, a constraint) re-renders the form with the user's input and a translated
    message instead of redirecting and losing what was typed. The edit form carries the row's
    version; saving over a newer version is refused (optimistic locking).
    """

    method_permission_name = MODELVIEW_ACTIONS
    page_size = 25
    list_widget = TesseraListWidget
    search_widget = CachedSearchWidget
    # the search form's relation filters, whose choices load when opened (``search_choices``)
    search_choices_on_demand = ()

    def __init__(self, **kwargs):
        if self.include_route_methods is not None and "list" in self.include_route_methods:
            # a list keeps the route its search filters fetch their choices from
            self.include_route_methods = set(self.include_route_methods) | {"choices"}
        if hasattr(self.datamodel.obj, "version"):
            extra = dict(self.edit_form_extra_fields or {})
            extra.setdefault("row_version", HiddenField())
            self.edit_form_extra_fields = extra
            if self.edit_columns and "row_version" not in self.edit_columns:
                self.edit_columns = list(self.edit_columns) + ["row_version"]
        super().__init__(**kwargs)
        self._translate_generated()
        self._format_every_column()

    def _init_forms(self):
        super()._init_forms()
        label_blank_choices(self.add_form, self.edit_form, self.search_form)
        self.search_choices_on_demand = defer_search_choices(self)

    def _init_titles(self):
        """FAB builds "Add Tag" from the class name in English: the generated titles become
        messages of their own (extracted by ``flask translate extract``)."""
        super()._init_titles()
        for attr in ("list_title", "add_title", "edit_title", "show_title"):
            title = getattr(self, attr)
            if isinstance(title, str):
                GENERATED_MESSAGES.add(title)
                setattr(self, attr, _l(title))
        self.title = self.list_title

    def _gen_labels_columns(self, list_columns):
        """FAB's prettified column labels, made translatable before FAB builds forms with them."""
        for column in list_columns:
            if not self.label_columns.get(column):
                msgid = self._prettify_column(column)
                GENERATED_MESSAGES.add(msgid)
                self.label_columns[column] = _l(msgid)

    def _translate_generated(self):
        """Column labels FAB prettified from column names ("Created By") are translated too,
        and registered for the audit log's field names."""
        table = getattr(self.datamodel.obj, "__tablename__", None)
        for column, label in list(self.label_columns.items()):
            if isinstance(label, str):
                GENERATED_MESSAGES.add(label)
                label = self.label_columns[column] = _l(label)
            if table:
                formatting.FIELD_LABELS.setdefault((table, column), label)
        if table and table not in formatting.TABLE_LABELS:
            name = self._prettify_name(type(self.datamodel.obj).__name__)
            GENERATED_MESSAGES.add(name)
            formatting.TABLE_LABELS[table] = _l(name)

    def _format_every_column(self):
        """Every shown column without its own formatter goes through the one formatter: no raw
        None/True/False, dates without microseconds, codes as labels."""
        formatters = dict(self.formatters_columns or {})
        for column in set(self.list_columns or []) | set(self.show_columns or []):
            formatters.setdefault(column, formatting.value)
        self.formatters_columns = formatters

    @expose("/download/<string:filename>")
    @has_access
    def download(self, filename):
        """FAB's file-column download: no Tessera model has a FAB file column (documents are
        served by their own views), and FAB's answered any name with a 500: nothing here."""
        abort(404)

    @expose("/choices/<string:column>")
    @has_access
    def choices(self, column):
        """The choices of an on-demand search filter matching ``?q=`` (Select2's JSON)."""
        if column not in self.search_choices_on_demand:
            abort(404)
        return jsonify(choices(self, column, request.args.get("q", ""),
                               page_number(request.args.get("page"))))

    def prefill_form(self, form, pk):
        if "row_version" in form:
            item = self.datamodel.get(pk)
            form.row_version.data = getattr(item, "version", "")

    def _check_version(self, item):
        submitted = request.form.get("row_version")
        if submitted and hasattr(item, "version") and str(item.version) != submitted:
            raise Conflict(STALE_MESSAGE)

    def _refuse(self, form, exc):
        self.datamodel.session.rollback()
        message = getattr(exc, "message", None) or str(exc)
        field = getattr(exc, "field", None)
        if field and field in form:
            form[field].errors = list(form[field].errors) + [message]
        flash(str(message), "danger")

    def _save(self, form, item, adding):
        """Populate, run the hooks and commit; returns an error to show, or None on success."""
        try:
            if not adding:
                self._check_version(item)
            form.populate_obj(item)
            if adding:
                self.pre_add(item)
                self.datamodel.add(item)
                self.post_add(item)
                flash(str(self.add_row_message), "success")
            else:
                self.pre_update(item)
                self.datamodel.edit(item)
                self.post_update(item)
                flash(str(self.edit_row_message), "success")
        except DomainError as exc:
            return exc
        except FABException as exc:  # FAB wraps database errors on edit
            cause = exc.__cause__
            return Conflict(STALE_MESSAGE if isinstance(cause, StaleDataError) else INTEGRITY_MESSAGE)
        except StaleDataError:
            return Conflict(STALE_MESSAGE)
        except IntegrityError:
            return Conflict(INTEGRITY_MESSAGE)
        except SQLAlchemyError:
            log.exception("saving %s failed", type(item).__name__)
            return Conflict(self.database_error_message)
        return None

    def _add(self):
        get_filter_args(self._filters, disallow_if_not_in_search=False)
        exclude_cols = self._filters.get_relation_cols()
        form = self.add_form.refresh()
        if request.method == "POST":
            self._fill_form_exclude_cols(exclude_cols, form)
            if form.validate():
                self.process_form(form, True)
                error = self._save(form, self.datamodel.obj(), adding=True)
                if error is None:
                    return None
                self._refuse(form, error)
            return self._get_add_widget(form=form, exclude_cols=exclude_cols)
        self.update_redirect()
        return self._get_add_widget(form=form, exclude_cols=exclude_cols)

    def _edit(self, pk):
        pages, page_sizes, orders = get_page_args(), get_page_size_args(), get_order_args()
        get_filter_args(self._filters, disallow_if_not_in_search=False)
        exclude_cols = self._filters.get_relation_cols()
        item = self.datamodel.get(pk, self._base_filters)
        if not item:
            from flask import abort

            abort(404)
        pk = self.datamodel.get_pk_value(item)
        stay = False
        if request.method == "POST":
            form = self.edit_form.refresh(request.form)
            self._fill_form_exclude_cols(exclude_cols, form)
            form._id = pk
            if form.validate():
                self.process_form(form, False)
                error = self._save(form, item, adding=False)
                if error is None:
                    return None
                self._refuse(form, error)
                item = self.datamodel.get(pk, self._base_filters)
            stay = True
        else:
            form = self.edit_form.refresh(obj=item)
            self.prefill_form(form, pk)
        widgets = self._get_edit_widget(form=form, exclude_cols=exclude_cols)
        widgets = self._get_related_views_widgets(
            item, filters={}, orders=orders, pages=pages, page_sizes=page_sizes, widgets=widgets
        )
        if not stay:
            self.update_redirect()
        return widgets


class TesseraModelApi(ModelRestApi):
    """A ModelRestApi sharing its resource and actions with the pages.

    Stale edits are refused here as on the pages: reading a versioned record answers its
    version as the ``ETag``; a PUT names the version it read (``If-Match`` with that ETag, or a
    ``"version"`` field) and is refused with 412 and the current values when the record changed
    since. A PUT naming no version is refused with 428 while ``API_REQUIRE_VERSION`` is on
    (the default), so two readers can never silently overwrite each other."""

    method_permission_name = API_ACTIONS
    allow_browser_login = True
    page_size = 25
    max_page_size = 500

    def get_headless(self, pk, **kwargs):
        response = super().get_headless(pk, **kwargs)
        if response.status_code == 200 and hasattr(self.datamodel.obj, "version"):
            item = self.datamodel.get(pk, self._base_filters)
            if item is not None:
                response.set_etag(str(item.version))
        return response

    def post_headless(self):
        errors = self._related_errors(self.add_model_schema)
        return self.response_422(message=errors) if errors else super().post_headless()

    def put_headless(self, pk):
        if hasattr(self.datamodel.obj, "version"):
            item = self.datamodel.get(pk, self._base_filters)
            if item is None:
                return self.response_404()
            sent = _version_sent()
            if sent is None:
                if current_app.config.get("API_REQUIRE_VERSION", True):
                    return self.response(428, message=str(VERSION_REQUIRED_MESSAGE))
            elif sent != str(item.version):
                response = self.response(
                    412, message=str(STALE_MESSAGE),
                    result=self.show_model_schema.dump(item, many=False), version=item.version)
                response.set_etag(str(item.version))
                return response
        errors = self._related_errors(self.edit_model_schema)
        return self.response_422(message=errors) if errors else super().put_headless(pk)

    def _related_errors(self, schema):
        """Links to other records must name existing rows by id (FAB's schema would otherwise
        build a new, empty related row from ``5`` or ``{"a": 1}`` and fail with a 500).
        ``""`` for a single link means none."""
        from sqlalchemy import inspect

        payload = request.get_json(silent=True)
        if not isinstance(payload, dict):
            return None
        errors = {}
        for relation in inspect(self.datamodel.obj).relationships:
            if relation.key not in payload or relation.key not in schema.fields:
                continue
            value = payload[relation.key]
            if not relation.uselist and value == "":
                payload[relation.key] = value = None
            if relation.uselist:
                if not isinstance(value, list):
                    errors[relation.key] = [str(RELATED_LIST_MESSAGE)]
                    continue
                values = value
            else:
                values = [] if value is None else [value]
            for item in values:
                item = item.get("id") if isinstance(item, dict) and len(item) == 1 else item
                if isinstance(item, bool) or not isinstance(item, int) \
                        or not 0 < item <= MAX_DB_INTEGER:
                    errors[relation.key] = [str(RELATED_ID_MESSAGE)]
                elif self.datamodel.session.get(relation.mapper.class_, item) is None:
                    errors[relation.key] = [str(RELATED_MISSING_MESSAGE)]
        return errors


def _version_sent():
    """The version a PUT says it read: the ``If-Match`` ETag, else a ``version`` field (taken out
    of the body, which then holds only the record's fields)."""
    tags = request.if_match.as_set(include_weak=True)
    if tags:
        return next(iter(tags))
    payload = request.get_json(silent=True)
    if isinstance(payload, dict) and "version" in payload:
        return str(payload.pop("version"))
    return None


def add_menu_view(appbuilder, view, name, category, icon=None, label=None, category_label=None,
                  category_icon=None, href=None):
    """Add a view with a menu entry whose visibility follows the view's ``read`` permission."""
    resource = view.class_permission_name or view.__name__
    register_menu(name, resource, category)
    kwargs = dict(category=category, icon=icon, label=label or name,
                  category_label=category_label or category, category_icon=category_icon)
    if href:
        kwargs["href"] = href
    return appbuilder.add_view(view, name, **kwargs)


def add_menu_link(appbuilder, name, href, resource, category, icon=None, label=None,
                  category_label=None):
    """A menu link to a page of an already added view (e.g. a second page of one view)."""
    register_menu(name, resource, category)
    return appbuilder.add_link(name, href=href, icon=icon, label=label or name,
                               category=category, category_label=category_label or category)
