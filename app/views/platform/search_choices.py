"""Search-form relation filters whose choices load when they are opened, not with every page.

FAB writes each search-form field's HTML into the list page (for its "Add Filter" script), so a
relation filter — category, manager, tag — costs a query and a rendered ``<option>`` per
related row on every page of the list, filtered or not, whether anyone opens the filter or not.
A view names such columns in ``search_choices_on_demand``: the page then carries an empty
picker pointing at ``<view>/choices/<column>``, which answers the choices matching what is
typed (Select2's JSON), 50 at a time; a filter already applied renders its chosen value only.
"""
import re
import unicodedata

from flask import request, url_for
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

CHOICES_PER_PAGE = 50
PLACEHOLDER = _l("Type to search")


def fold(text):
    """Case-, accent- and script-variant-insensitive form of a label ("Éveil" → "eveil",
    "Ёлка" → "елка"): what is typed matches however the label was written."""
    decomposed = unicodedata.normalize("NFKD", str(text).casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


class OnDemandSelectWidget:
    """Renders a relation filter as an empty Select2 picker that asks ``url`` for its choices
    (``static/js/tessera-actions.js``); only the values of filters already applied are written
    as options, so that the filter row shows them."""

    def __init__(self, view, column):
        self.view, self.column = view, column

    def applied_values(self):
        pattern = re.compile(rf"_flt_\d+_{re.escape(self.column)}")
        return [value for key, value in request.args.items(multi=True)
                if pattern.fullmatch(key) and value.isdigit()]

    def __call__(self, field, **kwargs):
        url = url_for(f"{self.view.endpoint}.choices", column=self.column)
        options = [Markup('<option value=""></option>')]
        values = self.applied_values()
        if values:
            related = self.view.datamodel.get_related_interface(self.column)
            model = related.obj
            pk = getattr(model, related.get_pk_name())
            rows = related.session.query(model).filter(pk.in_([int(v) for v in values]))
            for row in rows:
                options.append(Markup('<option value="{}">{}</option>').format(
                    related.get_pk_value(row), str(row)))
        return Markup(
            '<select class="form-control tessera-choices" id="{id}" name="{name}" '
            'data-choices-url="{url}" data-placeholder="{placeholder}">{options}</select>'
        ).format(id=field.id, name=field.name, url=url, placeholder=str(PLACEHOLDER),
                 options=Markup("").join(options))


def defer_search_choices(view):
    """Give each column of ``view.search_choices_on_demand`` the on-demand picker."""
    for column in view.search_choices_on_demand or ():
        unbound = getattr(view.search_form, column)
        unbound.kwargs["widget"] = OnDemandSelectWidget(view, column)


def page_of_choices(pairs, typed="", page=1):
    """Select2's answer for (pk, label) ``pairs``: those whose label contains ``typed``
    (folded), by label, ``CHOICES_PER_PAGE`` from ``page`` on."""
    needle = fold(typed.strip())
    labelled = sorted((fold(label), label, pk) for pk, label in pairs)
    matching = [(label, pk) for folded, label, pk in labelled if needle in folded]
    start = (page - 1) * CHOICES_PER_PAGE
    shown = matching[start:start + CHOICES_PER_PAGE]
    return {"results": [{"id": str(pk), "text": label} for label, pk in shown],
            "pagination": {"more": start + CHOICES_PER_PAGE < len(matching)}}


def page_number(text):
    """A ``?page=`` argument as a page number (1 when it is not one)."""
    return int(text) if text and text.isdigit() and 0 < int(text) < 100_000 else 1


def choices(view, column, typed="", page=1):
    """The choices of ``view``'s relation filter ``column`` (see ``page_of_choices``). The
    related rows are those the view's pickers may offer (``search_form_query_rel_fields``), so
    a filter never lists a record its user may not see."""
    related = view.datamodel.get_related_interface(column)
    filters = related.get_filters()
    rel_filters = (view.search_form_query_rel_fields or {}).get(column)
    if rel_filters:
        filters = filters.add_filter_list(rel_filters)
    _count, rows = related.query(filters)
    return page_of_choices(((related.get_pk_value(row), str(row)) for row in rows), typed, page)
