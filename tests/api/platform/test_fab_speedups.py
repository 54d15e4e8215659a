"""FAB's per-request constant work done once: the rison schema is checked once (arguments are
still validated on every request, with FAB's 400), and the API list's count joins no related
table although the rows carry their category, source, manager and organisation."""
import jsonschema
import pytest

from app.security import MANAGER
from app.views.platform import fab_speedups
from tests.factories.clients import make_category, make_client

SCHEMA = {"type": "object", "properties": {"page": {"type": "integer"}},
          "additionalProperties": False}


def test_validate_checks_the_arguments_every_time():
    assert fab_speedups.validate({"page": 2}, SCHEMA) is None
    with pytest.raises(jsonschema.ValidationError):
        fab_speedups.validate({"page": "two"}, SCHEMA)
    with pytest.raises(jsonschema.ValidationError):
        fab_speedups.validate({"color": 1}, SCHEMA)
    assert fab_speedups._VALIDATORS[id(SCHEMA)][0] is SCHEMA


def test_an_invalid_schema_is_still_refused():
    with pytest.raises(jsonschema.SchemaError):
        fab_speedups.validate({}, {"type": "no such type"})


def test_api_refuses_arguments_outside_the_schema(db, app, api_token):
    make_client(last_name="Lambert")
    web, headers = app.test_client(), api_token(MANAGER)
    response = web.get("/api/v1/client/?q=(page_size:'many')", headers=headers)
    assert response.status_code == 400
    assert "Not a valid rison schema" in response.json["message"]
    assert web.get("/api/v1/client/?q=(page_size:5)", headers=headers).status_code == 200


def test_api_list_count_joins_nothing(db, app, api_token, monkeypatch):
    from sqlalchemy import event

    category = make_category()
    for n in range(3):
        make_client(last_name=f"Lambert{n}", category_id=category.id)
    web, headers = app.test_client(), api_token(MANAGER)
    statements = []

    def before(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", before)
    try:
        response = web.get("/api/v1/client/", headers=headers)
    finally:
        event.remove(db.engine, "before_cursor_execute", before)
    assert response.status_code == 200
    assert response.json["count"] == 3
    assert {row["category"]["name"] for row in response.json["result"]} == {"VIP"}
    counts = [s for s in statements if "count(" in s.lower()]
    assert counts and all("JOIN" not in s.upper() for s in counts), counts
