"""Plumbing shared by the client pages and APIs: per-request hiding of restricted fields
(medical notes), the search filters, the per-request client scope (an instructor sees only
the clients of its own work) and a data interface that eager-loads list relations."""
from flask import g, has_request_context
from flask_appbuilder.forms import GeneralModelConverter
from flask_appbuilder.models.filters import BaseFilter
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from app.models.clients import Client, Organisation
from app.services.clients.records import can_edit_medical, can_see_medical, digits_only
from app.services.clients.scope import request_client_condition
from app.services.clients.search import _like, _organisation_match, client_name_begins, \
    client_search_parts
from app.views.platform.base import label_blank_choices
from app.views.platform.eager import EagerInterface as BaseEagerInterface
from app.views.platform.eager import OnceFilterConverter


class _PerRequest:
    """A view attribute with a full value and one without the restricted fields; which one a
    request sees depends on the user's permission (read for lists/shows, write for forms)."""

    def __init__(self, name, mode, default):
        self.name, self.mode, self.default = name, mode, default
        self.full_key, self.restricted_key = f"_full_{name}", f"_restricted_{name}"

    def __get__(self, obj, owner=None):
        if obj is None:
            return self.default
        values = obj.__dict__
        restricted = values.get(self.restricted_key)
        if restricted is not None and not obj.restricted_fields_allowed(self.mode):
            return restricted
        return values.get(self.full_key, self.default)

    def __set__(self, obj, value):
        obj.__dict__[self.full_key] = value


class RestrictedFieldsMixin:
    """Hide ``restricted_fields`` from every column list, form and schema of a ModelView or a
    ModelRestApi unless the current user may read (lists, shows) or write (forms, input) them.

    FAB builds forms and schemas once at start-up; this builds a second, restricted variant of
    each and picks one per request, so pages, search, and the API's responses and accepted input
    all obey the same permission. A list sorted by a hidden column (which would still reveal
    which rows have a value in it) is redirected unsorted by ``views.platform.input_guard``.
    """

    restricted_fields = ("medical_notes",)
    _read_attrs = ("list_columns", "show_columns", "order_columns")
    _write_attrs = ("add_columns", "edit_columns", "add_form", "edit_form")

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        for mode, names in (("read", cls._read_attrs), ("write", cls._write_attrs)):
            for name in names:
                current = cls.__dict__.get(name, getattr(cls, name, None))
                if isinstance(current, _PerRequest):
                    current = current.default
                setattr(cls, name, _PerRequest(name, mode, current))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._build_restricted()

    def restricted_fields_allowed(self, mode):
        if not has_request_context():
            return True
        key = f"_tessera_medical_{mode}"
        if not hasattr(g, key):
            setattr(g, key, can_see_medical() if mode == "read" else can_edit_medical())
        return getattr(g, key)

    def _without(self, columns):
        return [c for c in columns or [] if c not in self.restricted_fields]

    def _full(self, name):
        return self.__dict__.get(f"_full_{name}", getattr(type(self), name))

    def _set_restricted(self, name, value):
        self.__dict__[f"_restricted_{name}"] = value

    def _build_restricted(self):
        for name in self._read_attrs + self._write_attrs:
            if name.endswith("_columns"):
                self._set_restricted(name, self._without(self._full(name)))
        if "add_form" in self._write_attrs:
            conv = GeneralModelConverter(self.datamodel)
            self._set_restricted("add_form", conv.create_form(
                self.label_columns, self._without(self._full("add_columns")),
                self.description_columns, self.validators_columns, self.add_form_extra_fields,
                self.add_form_query_rel_fields))
            self._set_restricted("edit_form", conv.create_form(
                self.label_columns, self._without(self._full("edit_columns")),
                self.description_columns, self.validators_columns, self.edit_form_extra_fields,
                self.edit_form_query_rel_fields))
            label_blank_choices(self.__dict__["_restricted_add_form"],
                                self.__dict__["_restricted_edit_form"])


class RestrictedFieldsApiMixin(RestrictedFieldsMixin):
    _read_attrs = ("list_columns", "show_columns", "order_columns", "list_model_schema",
                   "show_model_schema")
    _write_attrs = ("add_columns", "edit_columns", "add_model_schema", "edit_model_schema")

    def _build_restricted(self):
        super()._build_restricted()
        convert = self.model2schemaconverter.convert
        self._set_restricted("list_model_schema", convert(
            self._without(self._full("list_columns")),
            parent_schema_name=self.list_model_schema_name + "Restricted"))
        self._set_restricted("show_model_schema", convert(
            self._without(self._full("show_columns")),
            parent_schema_name=self.show_model_schema_name + "Restricted"))
        self._set_restricted("add_model_schema", convert(
            self._without(self._full("add_columns")), nested=False,
            parent_schema_name=self.add_model_schema_name + "Restricted"))
        self._set_restricted("edit_model_schema", convert(
            self._without(self._full("edit_columns")), nested=False,
            parent_schema_name=self.edit_model_schema_name + "Restricted"))


class FilterClientText(BaseFilter):
    """Name (any script, any case, accents ignored), phone in any formatting, card number,
    organisation, industry or contact position."""

    name = _l("Matches")
    arg_name = "client_text"
    caps_count = True  # see EagerInterface.count_cap

    def apply(self, query, value):
        condition = self._parts(value)[0]
        return query if condition is None else query.filter(condition)

    def leading(self, value):
        """The matches listed first: the names beginning with what was typed."""
        return client_name_begins(value)

    def walk(self, value):
        """How the other matches are listed in name order (``EagerInterface``): through the
        name trigram table."""
        return self._parts(value)[1]

    @staticmethod
    def _parts(value):
        # a list page filters twice (its count, its page's keys): the condition, with the
        # organisations it looked up, is built once per request
        parts = g.setdefault("_tessera_client_search", {}) if has_request_context() else {}
        if value not in parts:
            parts[value] = client_search_parts(value)
        return parts[value]


class FilterPhoneDigits(BaseFilter):
    name = _l("Contains")
    arg_name = "phone_digits"
    caps_count = True  # see EagerInterface.count_cap

    def apply(self, query, value):
        digits = digits_only(value)
        if not digits:
            return query
        return query.filter(Client.phone_digits.like(_like(digits), escape="\\"))


class FilterOrganisationText(BaseFilter):
    name = _l("Matches")
    arg_name = "organisation_text"

    def apply(self, query, value):
        from app.services.clients.records import normalize_text

        for word in normalize_text(value).split(" "):
            if word:
                query = query.filter(_organisation_match(word))
        return query


class FilterVisibleClients(BaseFilter):
    """A base filter keeping only the clients the current user may see
    (``app.services.clients.scope``), decided per request. ``column_name`` holds the client id:
    ``id`` on Client, ``client_id`` on a model belonging to a client. Not selectable by users
    (no ``arg_name``); use ``client_scope_filter(column)`` in ``base_filters``."""

    name = _l("Visible")

    def apply(self, query, value):
        condition = request_client_condition(getattr(self.model, self.column_name))
        return query if condition is None else query.filter(condition)


def client_scope_filter(column="id"):
    """The ``base_filters`` / ``*_query_rel_fields`` entry limiting rows to visible clients."""
    return [column, FilterVisibleClients, None]


CUSTOM_FILTERS = {
    (Client, "search_name"): [FilterClientText],
    (Client, "phone_digits"): [FilterPhoneDigits],
    (Organisation, "search_name"): [FilterOrganisationText],
}


class ClientsFilterConverter(OnceFilterConverter):
    def convert_column(self, col_name):
        custom = CUSTOM_FILTERS.get((self.datamodel.obj, col_name))
        if custom:
            return [item(col_name, self.datamodel) for item in custom]
        return super().convert_column(col_name)


class EagerInterface(BaseEagerInterface):
    """Client lists: the client filters, and many-to-one relations joined into the same query
    (the count never depends on which rows happen to have an organisation or a manager)."""

    filter_converter_class = ClientsFilterConverter
    loader = staticmethod(joinedload)
