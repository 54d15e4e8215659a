"""REST plumbing: JWT login, OpenAPI and Swagger served locally, permissions as in the UI."""
from app.security import MANAGER


def test_jwt_login_and_protected_endpoint(app, api_token):
    headers = api_token(MANAGER)
    client = app.test_client()
    assert client.get("/api/v1/job/unknown", headers=headers).status_code == 404
    assert client.get("/api/v1/job/unknown").status_code == 401


def test_bad_credentials_refused(app, make_user):
    make_user(MANAGER, "apiuser")
    response = app.test_client().post("/api/v1/security/login", json={
        "username": "apiuser", "password": "wrong", "provider": "db"})
    assert response.status_code == 401


def test_openapi_spec_and_swagger_ui(app, login):
    client = login("Admin")
    spec = client.get("/api/v1/_openapi")
    assert spec.status_code == 200
    assert "/api/v1/job/{job_id}" in spec.json["paths"]
    swagger = client.get("/swagger/v1")
    assert swagger.status_code == 200
    assert "googleapis" not in swagger.get_data(as_text=True)
