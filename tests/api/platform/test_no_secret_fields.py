"""No REST answer carries a secret: a related user is answered by id and name, never as the
whole record with its password hash (found on the client API's ``manager``)."""
from flask_appbuilder.api import ModelRestApi
from marshmallow import fields

SECRET_FIELDS = {"password", "api_token", "token_hash", "code_hash", "password_hash"}


def _secret_paths(schema, path=()):
    found = []
    for name, field in schema.fields.items():
        inner = field.inner if isinstance(field, fields.List) else field
        if isinstance(inner, fields.Nested):
            found += _secret_paths(inner.schema, path + (name,))
        elif name in SECRET_FIELDS:
            found.append(".".join(path + (name,)))
    return found


def test_no_list_or_show_schema_answers_a_secret(app):
    apis = [v for v in app.appbuilder.baseviews if isinstance(v, ModelRestApi)]
    assert len(apis) > 10
    leaks = {}
    for api in apis:
        for attr in ("list_model_schema", "show_model_schema"):
            schema = getattr(api, attr, None)
            if schema is not None and _secret_paths(schema):
                leaks[f"{type(api).__name__}.{attr}"] = _secret_paths(schema)
    assert leaks == {}
