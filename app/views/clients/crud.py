"""CRM pages and REST APIs: clients, guardians, organisations, contact persons, directories.

Every save goes through ``app.services.clients.records`` (minor needs a guardian, duplicates, card
numbers); medical notes are hidden from every column list, form and schema for users without
the "ClientMedical" permission (see ``RestrictedFieldsMixin``). Hand-written pages (the client
card, import/export, search, reassignment) are in ``app.views.clients.pages``.
"""
from flask import current_app, g, redirect, request, url_for
from flask_appbuilder.actions import action
from flask_babel import lazy_gettext as _l
from flask_appbuilder.fieldwidgets import BS3TextFieldWidget, Select2Widget
from wtforms import BooleanField, DecimalField, SelectField, StringField
from wtforms.validators import NumberRange, Optional as OptionalValidator

from app.models.clients import (Client, ClientCategory, ClientSource, ContactPerson, Guardian,
                                Industry, Organisation, Tag)
from app.services.clients import records as service
from app.services.clients.records import AGE_CATEGORY_LABELS
from app.services.clients.scope import READ_ALL
from app.views.platform.api_support import DomainErrorsApiMixin
from app.views.platform.base import MODELVIEW_ACTIONS, TesseraModelApi, TesseraModelView, add_menu_view
from app.views.platform.eager import TesseraInterface
from app.views.clients.common import (EagerInterface, RestrictedFieldsApiMixin,
                                      RestrictedFieldsMixin, client_scope_filter)

LABELS = {
    "full_name": _l("Name"),
    "first_name": _l("First name"),
    "last_name": _l("Last name"),
    "middle_name": _l("Middle name"),
    "birth_date": _l("Birth date"),
    "age_category": _l("Age category"),
    "gender": _l("Gender"),
    "phone": _l("Phone"),
    "phone_digits": _l("Phone"),
    "email": _l("Email"),
    "language": _l("Language"),
    "address": _l("Address"),
    "card_number": _l("Card number"),
    "photo": _l("Photo"),
    "category": _l("Category"),
    "source": _l("Source"),
    "manager": _l("Manager"),
    "organisation": _l("Organisation"),
    "consent_email": _l("Consent to emails"),
    "consent_sms": _l("Consent to SMS"),
    "discount_percent": _l("Discount (percent)"),
    "preferences": _l("Preferences and needs"),
    "sensitivity_notes": _l("Sensitivity notes"),
    "medical_notes": _l("Medical notes"),
    "notes": _l("Notes"),
    "active": _l("Active"),
    "tags": _l("Tags"),
    "guardians": _l("Guardians"),
    "search_name": _l("Search"),
    "client": _l("Client"),
    "relation": _l("Relation"),
    "name": _l("Name"),
    "short_name": _l("Short name"),
    "tax_id": _l("Tax id"),
    "fax": _l("Fax"),
    "website": _l("Website"),
    "industry": _l("Industry"),
    "contacts": _l("Contact persons"),
    "position": _l("Position"),
    "note": _l("Note"),
    "guardian_name": _l("Guardian: full name"),
    "guardian_relation": _l("Guardian: relation"),
    "guardian_phone": _l("Guardian: phone"),
    "guardian_email": _l("Guardian: email"),
    "allow_duplicate": _l("Save even if the phone or email already exists"),
    "card_link": _l("Name"),
    "photo_thumb": _l("Photo"),
    "created_by": _l("Created by"),
    "created_on": _l("Created on"),
    "changed_by": _l("Changed by"),
    "changed_on": _l("Changed on"),
}
CLIENT_EDIT_COLUMNS = [
    "last_name", "first_name", "middle_name", "birth_date", "gender", "phone", "email",
    "language", "address", "card_number", "category", "source", "manager", "organisation", "tags",
    "consent_email", "consent_sms", "discount_percent", "preferences", "sensitivity_notes",
    "medical_notes", "notes", "active",
]


def language_choices():
    """The interface languages (config.installed_languages), by their own names."""
    return [("", _l("The centre's language"))] + [
        (code, info["name"]) for code, info in current_app.config["LANGUAGES"].items()]


GENDER_CHOICES = [("", ""), ("female", _l("Female")), ("male", _l("Male")), ("other", _l("Other"))]
GUARDIAN_FIELDS = ("guardian_name", "guardian_relation", "guardian_phone", "guardian_email")


def _age_category(value):
    return AGE_CATEGORY_LABELS.get(value, "")


def _blank(value):
    return "" if value is None else value


def _gender(value):
    return dict(GENDER_CHOICES).get(value or "", value)


def _short(value):
    text = value or ""
    return text if len(text) <= 60 else text[:57] + "…"


# --- clients -------------------------------------------------------------------------------------

# Every client view and API lists, shows, edits and offers in drop-downs only the clients the
# current user may see (an instructor: the clients of its own work; see clients_scope).
CLIENT_SCOPE = [client_scope_filter("id")]
GUARDIAN_SCOPE = [client_scope_filter("client_id")]
CLIENT_CHOICES = {"client": CLIENT_SCOPE}


class GuardianModelView(TesseraModelView):
    datamodel = TesseraInterface(Guardian)
    class_permission_name = "Guardian"
    route_base = "/guardian"
    list_title = _l("Guardians")
    show_title = _l("Guardian")
    add_title = _l("New guardian")
    edit_title = _l("Edit guardian")
    label_columns = LABELS
    list_columns = ["full_name", "relation", "phone", "email", "client"]
    show_columns = ["client", "full_name", "relation", "phone", "email", "language"]
    add_columns = ["client", "full_name", "relation", "phone", "email", "language"]
    edit_columns = ["client", "full_name", "relation", "phone", "email", "language"]
    search_columns = ["full_name", "phone", "email", "client"]
    base_filters = GUARDIAN_SCOPE
    add_form_extra_fields = edit_form_extra_fields = {
        "language": SelectField(LABELS["language"], choices=language_choices,
                                widget=Select2Widget(), validators=[OptionalValidator()]),
    }
    search_form_query_rel_fields = add_form_query_rel_fields = CLIENT_CHOICES
    edit_form_query_rel_fields = CLIENT_CHOICES

    def pre_add(self, item):
        service.save_guardian(item, commit=False)

    def pre_update(self, item):
        service.save_guardian(item, commit=False)

    def pre_delete(self, item):
        service.check_guardian_removable(item)


class ClientModelView(RestrictedFieldsMixin, TesseraModelView):
    # a free-text search counts up to 1,000 matches; a page's keys first, from the name index;
    # by name unless the user sorts, a search listing the names beginning with what was typed
    # first (one range of the name index), then the other matches (walked in name order
    # through the name trigram table, app/models/client_names.py)
    datamodel = EagerInterface(Client, eager=("category", "manager", "organisation"),
                               count_cap=1000, keys_first=True,
                               default_order=("search_name", "asc"))
    class_permission_name = "Client"
    method_permission_name = {**MODELVIEW_ACTIONS, "reassign_clients": "reassign"}
    route_base = "/client"
    list_template = "clients/client_list.html"
    show_template = "clients/client_show.html"
    related_views = [GuardianModelView]
    list_title = _l("Clients")
    show_title = _l("Client")
    add_title = _l("New client")
    edit_title = _l("Edit client")
    label_columns = LABELS
    list_columns = ["photo_thumb", "card_link", "birth_date", "age_category", "phone", "email", "card_number",
                    "category", "manager", "organisation", "medical_notes"]
    order_columns = ["birth_date", "phone", "email", "card_number", "medical_notes"]
    show_columns = ["full_name", "birth_date", "age_category", "gender", "phone", "email",
                    "language", "address", "card_number", "category", "source", "manager", "organisation",
                    "tags", "consent_email", "consent_sms", "discount_percent", "preferences",
                    "sensitivity_notes", "medical_notes", "notes", "active", "created_by",
                    "created_on", "changed_by", "changed_on"]
    add_columns = CLIENT_EDIT_COLUMNS + list(GUARDIAN_FIELDS) + ["allow_duplicate"]
    edit_columns = list(CLIENT_EDIT_COLUMNS)
    # No organisation drop-down (it would load every organisation on each list page): the
    # "search" filter already matches the organisation's name, industry and contact position.
    search_columns = ["search_name", "phone_digits", "card_number", "category", "source",
                      "manager", "tags", "birth_date", "gender", "active", "consent_email",
                      "consent_sms"]
    base_order = None  # the datamodel's default_order: indexed, case- and accent-insensitive
    base_filters = CLIENT_SCOPE
    edit_form_extra_fields = {
        "gender": SelectField(LABELS["gender"], choices=GENDER_CHOICES, widget=Select2Widget(),
                              validators=[OptionalValidator()]),
        "language": SelectField(LABELS["language"], choices=language_choices,
                                widget=Select2Widget(), validators=[OptionalValidator()]),
        # FAB would make non-nullable booleans "required", refusing an unticked box
        "consent_email": BooleanField(LABELS["consent_email"]),
        "consent_sms": BooleanField(LABELS["consent_sms"]),
        "active": BooleanField(LABELS["active"], default=True),
        "discount_percent": DecimalField(LABELS["discount_percent"], places=2, default=0,
                                         validators=[OptionalValidator(), NumberRange(0, 100)]),
    }
    add_form_extra_fields = {
        **edit_form_extra_fields,
        "guardian_name": StringField(LABELS["guardian_name"], validators=[OptionalValidator()],
                                     widget=BS3TextFieldWidget(),
                                     description=_l("Required when the client is under 18.")),
        "guardian_relation": StringField(LABELS["guardian_relation"], widget=BS3TextFieldWidget(),
                                         validators=[OptionalValidator()]),
        "guardian_phone": StringField(LABELS["guardian_phone"], widget=BS3TextFieldWidget(),
                                      validators=[OptionalValidator()]),
        "guardian_email": StringField(LABELS["guardian_email"], widget=BS3TextFieldWidget(),
                                      validators=[OptionalValidator()]),
        "allow_duplicate": BooleanField(LABELS["allow_duplicate"]),
    }
    formatters_columns = {"age_category": _age_category, "medical_notes": _short,
                          "organisation": _blank, "category": _blank, "manager": _blank,
                          "source": _blank, "gender": _gender}

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # "read_all" is checked per request by the scope filter, not by a method: declare it
        # so that the permission exists on the "Client" resource like the others.
        if f"can_{READ_ALL}" not in self.base_permissions:
            self.base_permissions = [*self.base_permissions, f"can_{READ_ALL}"]

    def pre_add(self, item):
        guardian = {"full_name": request.form.get("guardian_name", ""),
                    "relation": request.form.get("guardian_relation") or None,
                    "phone": request.form.get("guardian_phone") or None,
                    "email": request.form.get("guardian_email") or None}
        service.save_client(item, guardians=[guardian],
                            allow_duplicate=bool(request.form.get("allow_duplicate")),
                            commit=False)

    def pre_update(self, item):
        service.save_client(item, commit=False)

    def post_add(self, item):
        g.saved_client_id = item.id

    post_update = post_add

    def _to_card(self):
        """After saving a client (added or edited) the desk lands on that client's card."""
        client_id = getattr(g, "saved_client_id", None)
        if client_id:
            return redirect(url_for("ClientCardView.card", client_id=client_id))
        return redirect(self.get_redirect())

    def post_add_redirect(self):
        return self._to_card()

    def post_edit_redirect(self):
        return self._to_card()

    @action("reassign_clients", _l("Reassign manager"), None, "fa-exchange", single=False)
    def reassign_clients(self, items):
        ids = ",".join(str(item.id) for item in (items if isinstance(items, list) else [items]))
        return redirect(url_for("ClientReassignView.index", ids=ids))


# --- organisations ---------------------------------------------------------------------------

class ContactPersonModelView(TesseraModelView):
    datamodel = TesseraInterface(ContactPerson)
    class_permission_name = "ContactPerson"
    route_base = "/contactperson"
    list_title = _l("Contact persons")
    show_title = _l("Contact person")
    add_title = _l("New contact person")
    edit_title = _l("Edit contact person")
    label_columns = LABELS
    list_columns = ["full_name", "position", "phone", "email", "organisation"]
    add_columns = edit_columns = ["organisation", "full_name", "position", "phone", "email",
                                  "note"]
    show_columns = ["organisation", "full_name", "position", "phone", "email", "note"]
    search_columns = ["full_name", "position", "organisation"]

    def pre_add(self, item):
        service.save_contact_person(item, commit=False)

    pre_update = pre_add


class OrganisationModelView(TesseraModelView):
    datamodel = EagerInterface(Organisation, eager=("industry",))
    class_permission_name = "Organisation"
    route_base = "/organisation"
    list_template = "clients/organisation_list.html"
    list_title = _l("Organisations")
    show_title = _l("Organisation")
    add_title = _l("New organisation")
    edit_title = _l("Edit organisation")
    label_columns = {**LABELS, "full_name": _l("Full name")}
    related_views = [ContactPersonModelView]
    list_columns = ["short_name", "industry", "tax_id", "phone", "email"]
    add_columns = edit_columns = ["short_name", "full_name", "address", "tax_id", "phone", "fax",
                                  "email", "website", "industry", "notes", "active"]
    show_columns = add_columns + ["created_by", "created_on", "changed_by", "changed_on"]
    search_columns = ["search_name", "industry", "tax_id", "active"]
    base_order = ("short_name", "asc")

    def pre_add(self, item):
        service.save_organisation(item, commit=False)

    pre_update = pre_add


# --- directories -----------------------------------------------------------------------------

def _directory_view(model, title, route, extra=(), labels=None, fields=None):
    columns = ["name", *extra]
    return type(f"{model.__name__}ModelView", (TesseraModelView,), dict(
        add_form_extra_fields=fields or {},
        edit_form_extra_fields=fields or {},
        datamodel=TesseraInterface(model),
        class_permission_name="ClientDirectory",
        route_base=route,
        list_title=title,
        label_columns={"name": _l("Title"), **(labels or {})},
        list_columns=columns,
        add_columns=columns,
        edit_columns=columns,
        show_columns=columns,
        search_columns=["name"],
        base_order=("name", "asc"),
    ))


ClientCategoryModelView = _directory_view(
    ClientCategory, _l("Client categories"), "/clientcategory", extra=["warn_at_checkin"],
    labels={"warn_at_checkin": _l("Warn before check-in")},
    # FAB would make a non-nullable boolean "required", refusing an unticked box
    fields={"warn_at_checkin": BooleanField(_l("Warn before check-in"))})
ClientSourceModelView = _directory_view(ClientSource, _l("Client sources"), "/clientsource")
IndustryModelView = _directory_view(Industry, _l("Industries"), "/industry")
TagModelView = _directory_view(Tag, _l("Tags"), "/tag")


# --- REST API --------------------------------------------------------------------------------

class _ServiceApi(DomainErrorsApiMixin, TesseraModelApi):
    """A ModelRestApi whose refusals from the services come back as JSON with their status."""


API_CLIENT_COLUMNS = [
    "last_name", "first_name", "middle_name", "birth_date", "gender", "phone", "email",
    "address", "card_number", "category", "source", "manager", "organisation",
    "consent_email", "consent_sms", "discount_percent", "preferences", "sensitivity_notes",
    "medical_notes", "notes", "active",
]


# Related records are answered by id and name only (a whole ``manager`` would be the staff
# user's row, password hash included), joined into the list's one query.
API_CLIENT_RELATED = ["category.id", "category.name", "source.id", "source.name", "manager.id",
                      "manager.first_name", "manager.last_name", "organisation.id",
                      "organisation.short_name"]
API_CLIENT_READ = [column for column in API_CLIENT_COLUMNS
                   if column not in ("category", "source", "manager", "organisation")]


class ClientApi(RestrictedFieldsApiMixin, _ServiceApi):
    """Clients. POST accepts ``guardians: [{full_name, relation, phone, email}]`` (required for a
    minor) and ``?allow_duplicate=1`` to save despite an existing phone or email."""

    resource_name = "client"
    datamodel = EagerInterface(Client)
    class_permission_name = "Client"
    openapi_spec_tag = "Clients"
    list_columns = ["id", "full_name"] + API_CLIENT_READ + API_CLIENT_RELATED
    show_columns = ["id", "full_name"] + API_CLIENT_READ + API_CLIENT_RELATED + [
        "guardians.id", "guardians.full_name"]
    add_columns = list(API_CLIENT_COLUMNS)
    edit_columns = list(API_CLIENT_COLUMNS)
    order_columns = ["last_name", "first_name", "birth_date", "card_number", "medical_notes"]
    search_columns = ["search_name", "phone_digits", "card_number", "category", "organisation",
                      "manager", "active"]
    base_filters = CLIENT_SCOPE

    def post_headless(self):
        payload = request.get_json(silent=True)
        guardians = []
        if isinstance(payload, dict) and "guardians" in payload:
            guardians = payload.pop("guardians") or []
            if not isinstance(guardians, list) or not all(isinstance(g, dict) for g in guardians):
                return self.response_422(message={"guardians": ["A list of objects."]})
        g.tessera_new_guardians = guardians
        return super().post_headless()

    def pre_add(self, item):
        service.save_client(item, guardians=g.get("tessera_new_guardians", []),
                            allow_duplicate=request.args.get("allow_duplicate") in ("1", "true"),
                            commit=False)

    def pre_update(self, item):
        service.save_client(item, commit=False)


class GuardianApi(_ServiceApi):
    resource_name = "guardian"
    datamodel = TesseraInterface(Guardian)
    class_permission_name = "Guardian"
    openapi_spec_tag = "Clients"
    list_columns = show_columns = ["id", "client.id", "full_name", "relation", "phone", "email"]
    add_columns = edit_columns = ["client", "full_name", "relation", "phone", "email"]
    base_filters = GUARDIAN_SCOPE
    add_query_rel_fields = edit_query_rel_fields = CLIENT_CHOICES

    def pre_add(self, item):
        service.save_guardian(item, commit=False)

    pre_update = pre_add

    def pre_delete(self, item):
        service.check_guardian_removable(item)


class OrganisationApi(_ServiceApi):
    resource_name = "organisation"
    datamodel = EagerInterface(Organisation)
    class_permission_name = "Organisation"
    openapi_spec_tag = "Organisations"
    _columns = ["short_name", "full_name", "address", "tax_id", "phone", "fax", "email",
                "website", "industry", "notes", "active"]
    list_columns = show_columns = ["id"] + _columns
    add_columns = edit_columns = list(_columns)
    search_columns = ["search_name", "industry", "tax_id", "active"]

    def pre_add(self, item):
        service.save_organisation(item, commit=False)

    pre_update = pre_add


def register(appbuilder):
    from app.views.clients import pages as client_pages

    crm = dict(category_label=_l("CRM"))
    add_menu_view(appbuilder, ClientModelView, "Clients", "CRM", icon="fa-users",
                  label=_l("Clients"), category_icon="fa-address-book", **crm)
    add_menu_view(appbuilder, OrganisationModelView, "Organisations", "CRM", icon="fa-building",
                  label=_l("Organisations"), **crm)
    appbuilder.add_view_no_menu(GuardianModelView)
    appbuilder.add_view_no_menu(ContactPersonModelView)
    client_pages.register(appbuilder)
    for view, name, label in (
            (ClientCategoryModelView, "Client categories", _l("Client categories")),
            (ClientSourceModelView, "Client sources", _l("Client sources")),
            (IndustryModelView, "Industries", _l("Industries")),
            (TagModelView, "Tags", _l("Tags"))):
        add_menu_view(appbuilder, view, name, "CRM", icon="fa-list", label=label, **crm)
    for api in (ClientApi, GuardianApi, OrganisationApi):
        appbuilder.add_api(api)
