"""A REST PUT names the version it read; two readers never silently overwrite each other."""
from app.models.clients import Client
from app.security import MANAGER
from tests.factories.clients import make_client


def _client_url(db):
    client = make_client(notes="first")
    db.session.commit()
    return client.id, f"/api/v1/client/{client.id}"


def test_reading_answers_the_version_as_etag(app, db, api_token):
    _client_id, url = _client_url(db)
    response = app.test_client().get(url, headers=api_token(MANAGER))
    assert response.status_code == 200
    assert response.headers["ETag"] == '"1"'


def test_the_second_of_two_readers_is_refused_with_the_current_values(app, db, api_token):
    client_id, url = _client_url(db)
    headers = api_token(MANAGER)
    api = app.test_client()
    etag_a = api.get(url, headers=headers).headers["ETag"]
    etag_b = api.get(url, headers=headers).headers["ETag"]
    first = api.put(url, headers={**headers, "If-Match": etag_a}, json={"notes": "from A"})
    assert first.status_code == 200, first.json
    second = api.put(url, headers={**headers, "If-Match": etag_b}, json={"notes": "from B"})
    assert second.status_code == 412
    assert second.json["result"]["notes"] == "from A"
    assert second.json["version"] == 2 and second.headers["ETag"] == '"2"'
    assert "changed this record" in second.json["message"]
    db.session.remove()
    assert db.session.get(Client, client_id).notes == "from A"


def test_a_version_field_in_the_body_works_like_if_match(app, db, api_token):
    client_id, url = _client_url(db)
    headers = api_token(MANAGER)
    api = app.test_client()
    assert api.put(url, headers=headers, json={"notes": "ok", "version": 1}).status_code == 200
    stale = api.put(url, headers=headers, json={"notes": "late", "version": 1})
    assert stale.status_code == 412
    db.session.remove()
    assert db.session.get(Client, client_id).notes == "ok"


def test_a_put_without_a_version_is_refused_unless_the_setting_allows_it(app, db, api_token):
    client_id, url = _client_url(db)
    headers = api_token(MANAGER)
    api = app.test_client()
    refused = api.put(url, headers=headers, json={"notes": "blind"})
    assert refused.status_code == 428
    assert "If-Match" in refused.json["message"]
    app.config["API_REQUIRE_VERSION"] = False
    try:
        assert api.put(url, headers=headers, json={"notes": "blind"}).status_code == 200
    finally:
        app.config["API_REQUIRE_VERSION"] = True
    db.session.remove()
    assert db.session.get(Client, client_id).notes == "blind"
