"""One guard in front of every route against hostile arguments that FAB would turn into 500s.

* a JSON body of a write to the API must be an object (``[...]``, ``"x"`` or ``1`` → 400);
* the API's rison ``?q=`` argument may nest at most ``MAX_RISON_DEPTH`` levels (``((((…`` made
  FAB's parser recurse until it crashed) and must parse, else 400;
* a numeric id in the path beyond a database integer (a 21-digit id) is simply not found (404).
"""
from flask import jsonify, request
from flask_babel import gettext

MAX_RISON_DEPTH = 32
MAX_DB_INTEGER = 2**31 - 1
ID_ARGUMENTS = ("pk", "id", "job_id", "client_id")


def _refuse(status, message):
    if request.path.startswith("/api/"):
        return jsonify(message=message), status
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


def check_request():
    """Refuse hostile arguments before any view sees them (see the module docstring)."""
    if request.path.startswith("/api/") and request.method in ("POST", "PUT", "PATCH") \
            and request.is_json and request.get_data(cache=True):
        body = request.get_json(silent=True)
        if not isinstance(body, dict):  # not JSON, or a list or scalar
            return _refuse(400, gettext("A JSON object is expected."))
    query = request.args.get("q")
    if query and request.path.startswith("/api/"):
        import prison

        if _rison_depth(query) > MAX_RISON_DEPTH:
            return _refuse(400, gettext("The q argument is nested too deeply."))
        try:
            prison.loads(query)
        except Exception:  # any malformed rison
            return _refuse(400, gettext("The q argument is not valid rison."))
    for name, value in (request.view_args or {}).items():
        if isinstance(value, int) and abs(value) > MAX_DB_INTEGER:
            return _refuse(404, gettext("Not found."))
        if name in ID_ARGUMENTS and isinstance(value, str) and value.lstrip("-").isdigit() \
                and abs(int(value)) > MAX_DB_INTEGER:
            return _refuse(404, gettext("Not found."))
    return None


def install(app):
    app.before_request(check_request)
