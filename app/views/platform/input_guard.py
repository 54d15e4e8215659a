"""One guard in front of every route against hostile arguments that FAB would turn into 500s.

* a JSON body of a write to the API must be an object (``[...]``, ``"x"`` or ``1`` → 400);
* the API's rison ``?q=`` argument may nest at most ``MAX_RISON_DEPTH`` levels (``((((…`` made
  FAB's parser recurse until it crashed) and must parse, else 400;
* a numeric id in the path beyond a database integer (a 21-digit id) is simply not found (404);
  an id argument (``id``, ``…_id``, ``room``, ``instructor`` …) in the query string, a form or a
  JSON body beyond it is a 400 naming the field (PostgreSQL refuses to compare an integer column with it: a 500 before);
* the API's ``page`` and ``page_size`` in ``q`` must not be negative (PostgreSQL: a 500);
* a list page's ``page_<View>``/``psize_<View>`` arguments must be whole numbers in range (FAB's
  ``int()`` answered ``abc`` with a 500, PostgreSQL a negative page): a page is answered by a
  redirect to the same address without the bad argument (the first page, the default size) or
  with a page size cut to ``MAX_PAGE_SIZE``; a sort column (``_oc_<View>``) the list does not
  offer is dropped the same way (FAB failed to compile the query: a 500).
"""
from urllib.parse import urlencode

from flask import jsonify, redirect, request
from flask_babel import gettext

MAX_RISON_DEPTH = 32
MAX_DB_INTEGER = 2**31 - 1
ID_ARGUMENTS = ("pk", "id", "job_id", "client_id")
# query-string and form arguments naming a record by id without the _id suffix (timetable filters)
REFERENCE_ARGUMENTS = ("room", "instructor", "group", "client", "service", "employee", "plan")
# fields whose names end in _id but hold no record id (an organisation's tax number is long; a
# payment provider's event id may be all digits)
NOT_ID_FIELDS = ("tax_id", "batch_id", "event_id")
# the largest page size a list page offers (FAB's menu: 25, 50, 75, 100), the furthest page
MAX_PAGE_SIZE = 100
MAX_PAGE = 10**6


def _is_id_name(name):
    return isinstance(name, str) and name not in NOT_ID_FIELDS and (
        name in ID_ARGUMENTS or name in REFERENCE_ARGUMENTS or name.endswith("_id"))


def _out_of_range(value):
    """An integer (or a string of decimal digits) beyond a database integer."""
    if isinstance(value, bool):
        return False
    if isinstance(value, str):
        text = value.strip()
        digits = text[1:] if text.startswith("-") else text
        if not (digits.isascii() and digits.isdigit()):
            return False
        return len(digits) > 10 or abs(int(digits)) > MAX_DB_INTEGER
    return isinstance(value, int) and abs(value) > MAX_DB_INTEGER


def _refuse(status, message, field=None):
    if request.path.startswith("/api/"):
        body = {"message": message}
        if field:
            body["field"] = field
        return jsonify(body), status
    from flask import abort

    abort(status)


def _rison_depth(text):
    depth = deepest = 0
    for char in text:
        if char == "(":
            depth += 1
            deepest = max(deepest, depth)
        elif char == ")":
            depth = max(depth - 1, 0)
    return deepest


def _paging_value(name, value):
    """The value a list page's paging argument should have: itself, a corrected one, or None to
    drop it (not a paging argument: itself)."""
    if name.startswith("psize_"):
        limit, smallest = MAX_PAGE_SIZE, 1
    elif name.startswith("page_"):
        limit, smallest = MAX_PAGE, 0
    else:
        return value
    text = value.strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 9 or int(text) < smallest:
        return None
    return str(min(int(text), limit)) if int(text) > limit or text != value else value


def _view_named(name):
    """The registered view of that class name (a list's arguments name it: ``_oc_<View>``)."""
    from flask import current_app

    appbuilder = current_app.appbuilder
    views = getattr(appbuilder, "_tessera_views_by_name", None)
    if views is None:
        views = appbuilder._tessera_views_by_name = {
            type(view).__name__: view for view in appbuilder.baseviews}
    return views.get(name)


def _unknown_sorts():
    """The names of the list views whose ``_oc_<View>`` names a column they do not sort by (a
    hand-edited link, or a column hidden from this user): FAB's query failed on it, a 500."""
    unknown = set()
    for name, value in request.args.items():
        if name.startswith("_oc_"):
            view = _view_named(name[4:])
            if view is None or value not in (getattr(view, "order_columns", None) or ()):
                unknown.add(name[4:])
    return unknown


def _mend_paging():
    """A redirect to the same page with its paging and sort arguments mended, or None if they
    are fine."""
    if request.method != "GET" or request.path.startswith("/api/"):
        return None
    unsortable = _unknown_sorts()
    mended, changed = [], bool(unsortable)
    for name, value in request.args.items(multi=True):
        if name[4:] in unsortable and name[:4] in ("_oc_", "_od_"):
            continue
        good = _paging_value(name, value)
        changed = changed or good != value
        if good is not None:
            mended.append((name, good))
    if not changed:
        return None
    return redirect(request.path + ("?" + urlencode(mended) if mended else ""))


def check_request():
    """Refuse hostile arguments before any view sees them (see the module docstring)."""
    if request.path.startswith("/api/") and request.method in ("POST", "PUT", "PATCH") \
            and request.is_json and request.get_data(cache=True):
        body = request.get_json(silent=True)
        if not isinstance(body, dict):  # not JSON, or a list or scalar
            return _refuse(400, gettext("A JSON object is expected."))
        for name, value in body.items():
            if _is_id_name(name) and _out_of_range(value):
                return _refuse(400, gettext("%(field)s is not the id of a record.", field=name),
                               field=name)
    query = request.args.get("q")
    if query and request.path.startswith("/api/"):
        import prison

        if _rison_depth(query) > MAX_RISON_DEPTH:
            return _refuse(400, gettext("The q argument is nested too deeply."))
        try:
            arguments = prison.loads(query)
        except Exception:  # any malformed rison
            return _refuse(400, gettext("The q argument is not valid rison."))
        if isinstance(arguments, dict):
            for name, smallest in (("page", 0), ("page_size", 1)):
                value = arguments.get(name)
                if isinstance(value, int) and not isinstance(value, bool) and not (
                        smallest <= value <= MAX_DB_INTEGER):
                    return _refuse(400, gettext("%(field)s is out of range.", field=name),
                                   field=name)
    form = request.form if request.method in ("POST", "PUT", "PATCH") \
        and not request.is_json else {}
    for name, value in list(request.args.items()) + list(form.items()):
        if _is_id_name(name) and _out_of_range(value):
            return _refuse(400, gettext("%(field)s is not the id of a record.", field=name),
                           field=name)
    for name, value in (request.view_args or {}).items():
        if isinstance(value, int) and abs(value) > MAX_DB_INTEGER:
            return _refuse(404, gettext("Not found."))
        if name in ID_ARGUMENTS and isinstance(value, str) and _out_of_range(value):
            return _refuse(404, gettext("Not found."))
    return _mend_paging()


def install(app):
    app.before_request(check_request)
