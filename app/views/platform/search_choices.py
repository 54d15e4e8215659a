"""Search-form relation filters whose choices load when they are opened, not with every page.

FAB writes each search-form field's HTML into the list page (for its "Add Filter" script), so a
relation filter — category, manager, client — costs a query and a rendered ``<option>`` per
related row on every page of the list, filtered or not, whether anyone opens the filter or not
(the pass and payment lists wrote every client into each page). Every relation filter of a
project list is therefore an empty picker pointing at ``<view>/choices/<column>``, which
answers the choices matching what is typed (Select2's JSON), 50 at a time: clients through the
client search (name, phone, card; at least two characters), other records by their label. A
filter already applied renders its chosen value only. The rows offered are those the view's
``search_form_query_rel_fields`` allow (a client outside the user's scope is never named).
"""
import re

from flask import g, request, url_for
from flask_appbuilder.fields import QuerySelectField, QuerySelectMultipleField
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from app import formatting
from app.models.clients import Client
from app.services.clients import normalize_text, search_clients

CHOICES_PER_PAGE = 50
# characters to type before the client search runs (the same rule as the desk's search)
CLIENT_MIN_INPUT = 2
PLACEHOLDER = _l("Type to search")


def _offered(view, column):
    """(related datamodel, a query of the rows ``view`` may offer for ``column`` — its
    ``search_form_query_rel_fields`` applied)."""
    related = view.datamodel.get_related_interface(column)
    filters = related.get_filters()
    rel_filters = (view.search_form_query_rel_fields or {}).get(column)
    if rel_filters:
        filters = filters.add_filter_list(rel_filters)
    return related, filters.apply_all(related.session.query(related.obj))


class OnDemandSelectWidget:
    """Renders a relation filter as an empty Select2 picker that asks its view for choices
    (``static/js/tessera-actions.js``); only the values of filters already applied are written
    as options (those the view may offer), so that the filter row shows them."""

    def __init__(self, view, column):
        self.view, self.column = view, column

    def applied_values(self):
        pattern = re.compile(rf"_flt_\d+_{re.escape(self.column)}")
        return [int(value) for key, value in request.args.items(multi=True)
                if pattern.fullmatch(key) and value.isdigit() and len(value) < 10]

    def __call__(self, field, **kwargs):
        url = url_for(f"{self.view.endpoint}.choices", column=self.column)
        options = [Markup('<option value=""></option>')]
        values = self.applied_values()
        related = self.view.datamodel.get_related_interface(self.column)
        if values:
            related, query = _offered(self.view, self.column)
            pk = getattr(related.obj, related.get_pk_name())
            for row in query.filter(pk.in_(values)):
                options.append(Markup('<option value="{}">{}</option>').format(
                    related.get_pk_value(row), str(row)))
        minimum = CLIENT_MIN_INPUT if related.obj is Client else 0
        return Markup(
            '<select class="form-control tessera-choices" id="{id}" name="{name}" '
            'data-choices-url="{url}" data-placeholder="{placeholder}" '
            'data-minimum-input="{minimum}">{options}</select>'
        ).format(id=field.id, name=field.name, url=url, placeholder=str(PLACEHOLDER),
                 minimum=minimum, options=Markup("").join(options))


def defer_search_choices(view):
    """Give every relation filter of ``view``'s search form the on-demand picker; returns the
    columns (those ``<view>/choices/<column>`` answers)."""
    columns = []
    for column in view.search_columns or ():
        unbound = getattr(view.search_form, column, None)
        field_class = getattr(unbound, "field_class", None)
        if isinstance(field_class, type) and issubclass(
                field_class, (QuerySelectField, QuerySelectMultipleField)):
            unbound.kwargs["widget"] = OnDemandSelectWidget(view, column)
            columns.append(column)
    return tuple(columns)


def page_of_choices(pairs, typed="", page=1):
    """Select2's answer for (pk, label) ``pairs``: those whose label contains ``typed`` in any
    case, accent or script variant ("eveil" finds "Éveil"; ``normalize_text``, as the client
    search), by label, ``CHOICES_PER_PAGE`` from ``page`` on."""
    needle = normalize_text(typed)
    labelled = sorted((normalize_text(label), label, pk) for pk, label in pairs)
    matching = [(label, pk) for folded, label, pk in labelled if needle in folded]
    start = (page - 1) * CHOICES_PER_PAGE
    shown = matching[start:start + CHOICES_PER_PAGE]
    return {"results": [{"id": str(pk), "text": label} for label, pk in shown],
            "pagination": {"more": start + CHOICES_PER_PAGE < len(matching)}}


def page_number(text):
    """A ``?page=`` argument as a page number (1 when it is not one)."""
    return int(text) if text and text.isdigit() and 0 < int(text) < 100_000 else 1


def client_choices(typed="", page=1):
    """Select2's answer for a client picker: the client search for ``typed`` (at least
    ``CLIENT_MIN_INPUT`` characters) among the clients the current user may see."""
    if len(typed.strip()) < CLIENT_MIN_INPUT:
        return {"results": [], "pagination": {"more": False}}
    found = search_clients(typed, limit=CHOICES_PER_PAGE + 1,
                           offset=(page - 1) * CHOICES_PER_PAGE, for_user=g.user)
    return {"results": [{"id": str(c.id), "text": client_label(c)}
                        for c in found[:CHOICES_PER_PAGE]],
            "pagination": {"more": len(found) > CHOICES_PER_PAGE}}


def client_label(client):
    """A client as a picker offers it: the name, then the birth date (in the user's locale) and
    the card number when known — namesakes ("Иванова Анна" twice) tell apart."""
    parts = [client.full_name]
    if client.birth_date:
        parts.append(formatting.date(client.birth_date, "short"))
    if client.card_number:
        parts.append(client.card_number)
    return " · ".join(parts)


def choices(view, column, typed="", page=1):
    """The choices of ``view``'s relation filter ``column`` matching ``typed``: clients
    through the client search (the user's scope applied), other records by their label (see
    ``page_of_choices``) among those the view may offer."""
    if view.datamodel.get_related_interface(column).obj is Client:
        return client_choices(typed, page)
    related, query = _offered(view, column)
    return page_of_choices(((related.get_pk_value(row), str(row)) for row in query), typed, page)
