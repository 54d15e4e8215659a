"""Per-request work Flask-AppBuilder repeats although its answer never changes, done once.

FAB's ``@rison(schema)`` (every REST list, show and info request) calls ``jsonschema.validate``,
which first checks the *schema itself* against the JSON-Schema metaschema and builds a new
validator — about a fifth of a 25-row client API list. The schemas are FAB's own module-level
constants, so one checked validator per schema is kept; the request's arguments are still
validated every time, with the same errors (``jsonschema.ValidationError``, best match first).
"""
import types

import jsonschema

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
