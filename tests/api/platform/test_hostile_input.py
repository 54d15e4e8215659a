"""Hostile input answers 4xx with a message, never a 500 (issue 17)."""
import pytest

from app.security import ADMIN, MANAGER


@pytest.fixture
def no_propagation(app):
    """Let the app turn exceptions into 500 responses, as in production."""
    app.testing = False
    yield
    app.testing = True


def test_fab_download_routes_answer_404(app, login, no_propagation):
    client = login(ADMIN)
    for name in ("x", "a_sep_b", "..%2F..%2Fetc%2Fpasswd"):
        assert client.get(f"/client/download/{name}").status_code == 404
    assert login(MANAGER).get("/jobs/download/x").status_code in (403, 404)


@pytest.mark.parametrize("query", ["((((", "(" * 2000, "(filters:!((col:name,opr:eq,value:((((",
                                   "!(", "'unterminated"])
def test_hostile_rison_is_a_400(app, api_token, no_propagation, query):
    response = app.test_client().get("/api/v1/client/", query_string={"q": query},
                                     headers=api_token(ADMIN))
    assert response.status_code == 400 and response.json["message"]


def test_valid_rison_still_works(app, api_token):
    response = app.test_client().get("/api/v1/client/", query_string={"q": "(page_size:5)"},
                                     headers=api_token(ADMIN))
    assert response.status_code == 200


def test_huge_ids_are_not_found(app, api_token, login, no_propagation):
    headers = api_token(ADMIN)
    assert app.test_client().get("/api/v1/client/123456789012345678901",
                                 headers=headers).status_code == 404
    assert login(ADMIN).get("/client/show/123456789012345678901").status_code == 404


@pytest.mark.parametrize("body", [[1, 2], "text", 5, None])
def test_api_bodies_must_be_objects(app, api_token, no_propagation, body):
    import json

    for path in ("/api/v1/client/", "/api/v1/report/debts"):
        response = app.test_client().post(path, data=json.dumps(body), headers=dict(
            api_token(ADMIN), **{"Content-Type": "application/json"}))
        assert response.status_code == 400, (path, response.get_data(as_text=True))
    broken = app.test_client().post("/api/v1/client/", data="{nope", headers=dict(
        api_token(ADMIN), **{"Content-Type": "application/json"}))
    assert broken.status_code == 400


@pytest.mark.parametrize("field, value", [
    ("manager", 5), ("manager", {"a": 1}), ("organisation", [1]), ("organisation", 1e308),
    ("category", "x"), ("manager", True), ("phone", 5), ("email", ["x"]), ("notes", {"a": 1}),
    ("first_name", None), ("birth_date", 5),
])
def test_client_api_refuses_wrong_types_with_the_field_named(app, api_token, no_propagation,
                                                             field, value):
    headers = api_token(ADMIN)
    client = app.test_client()
    created = client.post("/api/v1/client/", json={"first_name": "A", "last_name": "B"},
                          headers=headers)
    assert created.status_code == 201
    response = client.put(f"/api/v1/client/{created.json['id']}",
                          json={field: value, "version": 1}, headers=headers)
    assert response.status_code == 422 and field in response.json["message"]


def test_empty_link_means_none(app, api_token):
    headers = api_token(ADMIN)
    client = app.test_client()
    created = client.post("/api/v1/client/", json={"first_name": "A", "last_name": "B"},
                          headers=headers)
    response = client.put(f"/api/v1/client/{created.json['id']}",
                          json={"manager": "", "organisation": "", "version": 1},
                          headers=headers)
    assert response.status_code == 200 and response.json["result"]["manager"] is None


def test_huge_id_arguments_are_a_400_naming_the_field(app, api_token, no_propagation):
    headers = api_token(ADMIN)
    client = app.test_client()
    for name in ("instructor_id", "instructor", "room", "group"):
        response = client.get("/api/v1/timetable", headers=headers,
                              query_string={name: "2147483648"})
        assert response.status_code == 400 and response.json["field"] == name
    assert client.get("/api/v1/timetable", headers=headers,
                      query_string={"room": "2147483647"}).status_code == 200
    response = client.post("/api/v1/client/", headers=headers,
                           json={"first_name": "A", "last_name": "B", "manager_id": 10**20})
    assert response.status_code == 400 and response.json["field"] == "manager_id"


def test_a_long_tax_number_is_not_taken_for_a_record_id(app, api_token):
    """``tax_id`` ends in ``_id`` but is an organisation's tax number, often beyond 2**31."""
    response = app.test_client().post("/api/v1/organisation/", headers=api_token(ADMIN),
                                      json={"short_name": "Банк Восход", "tax_id": "7701234567"})
    assert response.status_code == 201, response.json
