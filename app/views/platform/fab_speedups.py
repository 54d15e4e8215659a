"""Per-request work Flask-AppBuilder repeats although its answer never changes, done once.

FAB's ``@rison(schema)`` (every REST list, show and info request) calls ``jsonschema.validate``,
which first checks the *schema itself* against the JSON-Schema metaschema and builds a new
validator — about a fifth of a 25-row client API list. The schemas are FAB's own module-level
constants, so one checked validator per schema is kept; the request's arguments are still
validated every time, with the same errors (``jsonschema.ValidationError``, best match first).
The menu bar (``install_menu_cache``) and the search form's fixed parts (``CachedSearchWidget``)
are rendered once per user roles and language.
"""
import types

import jsonschema
from flask_appbuilder._compat import as_unicode
from flask_appbuilder.widgets import RenderTemplateWidget, SearchWidget

_VALIDATORS = {}


def validate(instance, schema, *args, **kwargs):
    """``jsonschema.validate`` with the schema checked and its validator built once."""
    if args or kwargs:
        return jsonschema.validate(instance, schema, *args, **kwargs)
    entry = _VALIDATORS.get(id(schema))
    if entry is None or entry[0] is not schema:
        cls = jsonschema.validators.validator_for(schema)
        cls.check_schema(schema)
        entry = _VALIDATORS[id(schema)] = (schema, cls(schema))  # keeps the schema alive
    error = jsonschema.exceptions.best_match(entry[1].iter_errors(instance))
    if error is not None:
        raise error
    return None


def install():
    """Point FAB's REST module at the caching ``validate`` (idempotent)."""
    import flask_appbuilder.api as fab_api

    if getattr(fab_api.jsonschema, "tessera_cached", False):
        return
    fab_api.jsonschema = types.SimpleNamespace(
        validate=validate, ValidationError=jsonschema.ValidationError, tessera_cached=True)


def _catalogs_signature():
    """What the live catalogs say of themselves (a translator's edit on the workbench changes
    it): rendered words are kept per signature."""
    from flask import current_app

    catalogs = current_app.extensions.get("tessera_catalogs")
    return repr(getattr(catalogs, "signature", None))


def _menu_key(app):
    """The key the menu bar's HTML depends on, or None when it must be rendered afresh: the
    logged-in user's role names (builtin roles only: their answers are code), the language, the
    script root of the links and the catalogs' signature (a translator's edit on the workbench
    changes the menu's words without a restart)."""
    from flask import g, request
    from flask_babel import get_locale

    user = getattr(g, "user", None)
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    sm = app.appbuilder.sm
    names = sorted({role.name for role in sm.get_user_roles(user)})
    if not names or any(name not in sm.builtin_roles for name in names):
        return None
    return (tuple(names), str(get_locale()), request.script_root, _catalogs_signature())


def install_menu_cache(app):
    """``tessera_navbar_menu(menu)`` for appbuilder/navbar_menu.html: FAB's menu items (about
    90 permission checks and links, a fifth of a page's rendering) rendered once per key."""
    from flask import render_template
    from markupsafe import Markup

    rendered = {}

    def tessera_navbar_menu(menu):
        key = _menu_key(app)
        html = rendered.get(key) if key is not None else None
        if html is None:
            html = Markup(render_template("appbuilder/navbar_menu_items.html", menu=menu))
            if key is not None and len(rendered) < 1000:
                rendered[key] = html
        return html

    app.jinja_env.globals["tessera_navbar_menu"] = tessera_navbar_menu


def _static_field(field):
    """Whether a search-form field renders the same HTML on every request (per language): an
    unbound field (a list's search form is never filled from the request) whose choices and
    default are fixed — not a relation picker (its applied values come from the request, its
    rows from the database) nor a field with computed choices or default."""
    from flask_appbuilder.fields import QuerySelectField, QuerySelectMultipleField

    from app.views.platform.search_choices import OnDemandSelectWidget

    return not (isinstance(field, (QuerySelectField, QuerySelectMultipleField))
                or isinstance(field.widget, OnDemandSelectWidget)
                or callable(getattr(field, "choices", None))
                or callable(field.default))


class CachedSearchWidget(SearchWidget):
    """FAB's search widget, which writes each search field's HTML, label and filter names into
    every list page (for its "Add Filter" script) — 3 to 4 ms of a 50 ms client search page
    (scratch timing). Those of a search form's fields that render the same HTML every time
    (``_static_field``) and the labels and filter names are made once per view, form, columns,
    language and catalogs (a translator's edit changes them); the others and the filters
    applied, every time."""

    _made = {}

    def __call__(self, **kwargs):
        from flask_babel import get_locale

        form = self.template_args["form"]
        columns = tuple(self.template_args["include_cols"])
        key = (self.template_args.get("route_base"), type(form), columns, str(get_locale()),
               _catalogs_signature())
        made = self._made.get(key)
        if made is None:
            search_filters = self.filters.get_search_filters()
            made = ({column: as_unicode(form[column].label.text) for column in columns},
                    {column: [as_unicode(flt.name) for flt in search_filters[column]]
                     for column in columns},
                    {column: form[column]() for column in columns
                     if _static_field(form[column])})
            if len(self._made) < 1000:
                self._made[key] = made
        labels, filter_names, static = made
        kwargs["label_columns"] = labels
        kwargs["form_fields"] = {column: static[column] if column in static else form[column]()
                                 for column in columns}
        kwargs["search_filters"] = filter_names
        kwargs["active_filters"] = self.filters.get_filters_values_tojson()
        return RenderTemplateWidget.__call__(self, **kwargs)
