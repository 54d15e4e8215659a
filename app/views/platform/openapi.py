"""Our OpenAPI description (``/api/v1/_openapi``) made to say what the API really answers.

FAB generates the description from its docstrings and apispec's marshmallow mapping, and in a
few places they disagree with the answers (found by the schemathesis conformance test,
tests/api/platform/test_schemathesis.py). The description is corrected as it is served, by one
function, rule by rule:

- money and other ``Numeric`` columns travel as decimal strings (``"12.50"``, no float
  rounding) and are accepted as strings or numbers: documented as such, not as ``number``;
- date-times are the centre's local time without an offset (``2026-05-01T10:00:00``): a
  pattern, not RFC 3339's ``date-time`` (which demands an offset);
- the ``_info`` endpoints list their add/edit columns (arrays, not objects);
- a created record answers its integer ``id``; menu entries may have no icon, and a menu's
  children include its separators (``"-"``);
- error bodies carry ``message`` as text or, for form errors, an object field → messages;
- every protected operation may answer 403 (a role without the permission), 400 (the
  hostile-input guard) and 404 (a record named in the path or the body that does not exist or
  is outside the caller's scope).
"""
from flask import current_app, json, request

DECIMAL = {"oneOf": [{"type": "string", "pattern": r"^-?\d+(\.\d+)?$"}, {"type": "number"}]}
LOCAL_DATE_TIME = {"type": "string",
                   "pattern": r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?"
                              r"(Z|[+-]\d{2}:?\d{2})?$"}
MESSAGE = {"oneOf": [{"type": "string"}, {"type": "object"}]}
METHODS = ("get", "put", "post", "delete", "patch")


def _fix_schema(schema):
    """Correct one schema in place (recursively): decimals and local date-times."""
    if isinstance(schema, list):
        for item in schema:
            _fix_schema(item)
        return
    if not isinstance(schema, dict):
        return
    for key, value in list(schema.items()):
        if key == "properties" and isinstance(value, dict):
            for name, prop in list(value.items()):
                if not isinstance(prop, dict):
                    continue
                if prop.get("type") == "number":
                    value[name] = dict(DECIMAL, **{k: v for k, v in prop.items()
                                                    if k not in ("type", "format")})
                elif prop.get("type") == "string" and prop.get("format") == "date-time":
                    value[name] = dict(LOCAL_DATE_TIME, **{k: v for k, v in prop.items()
                                                           if k not in ("type", "format")})
                else:
                    _fix_schema(prop)
        elif isinstance(value, (dict, list)):
            _fix_schema(value)


def _json_schema(response):
    return ((response or {}).get("content") or {}).get("application/json", {}).get("schema")


def correct_openapi(spec):
    """The corrections listed in the module's docstring, applied to a spec dict in place."""
    components = spec.get("components", {})
    _fix_schema(components.get("schemas", {}))
    for response in components.get("responses", {}).values():
        schema = _json_schema(response)
        if schema and (schema.get("properties") or {}).get("message") == {"type": "string"}:
            schema["properties"]["message"] = MESSAGE
    for path, operations in spec.get("paths", {}).items():
        for method, operation in operations.items():
            if method not in METHODS or not isinstance(operation, dict):
                continue
            responses = operation.setdefault("responses", {})
            for code, response in responses.items():
                schema = _json_schema(response)
                if not schema:
                    continue
                _fix_schema(schema)
                props = schema.get("properties") or {}
                for name in ("add_columns", "edit_columns"):
                    if props.get(name) == {"type": "object"}:
                        props[name] = {"type": "array", "items": {"type": "object"}}
                if str(code) == "201" and props.get("id") == {"type": "string"}:
                    props["id"] = {"type": "integer"}
                icon = ((props.get("result") or {}).get("items") or {}).get(
                    "properties", {}).get("icon")
                if isinstance(icon, dict) and icon.get("type") == "string":
                    icon["nullable"] = True
                childs = ((props.get("result") or {}).get("items") or {}).get(
                    "properties", {}).get("childs")
                if isinstance(childs, dict) and childs.get("items") == {"type": "object"}:
                    childs["items"] = {"oneOf": [{"type": "object"}, {"type": "string"}]}
                if "message" in props and props["message"] == {"type": "string"} \
                        and str(code).startswith("4"):
                    props["message"] = MESSAGE
            if operation.get("security") is not None or "401" in responses:
                responses.setdefault("403", {"$ref": "#/components/responses/403"})
                responses.setdefault("400", {"$ref": "#/components/responses/400"})
                responses.setdefault("404", {"$ref": "#/components/responses/404"})
    return spec


def _correct_served_spec(response):
    if request.endpoint == "OpenApi.get" and response.status_code == 200 and response.is_json:
        response.set_data(json.dumps(correct_openapi(response.get_json())))
    return response


def register(appbuilder):
    current_app._get_current_object().after_request(_correct_served_spec)
