"""Client REST API: the same rules as the pages (minor needs a guardian, duplicates), permissions,
and medical notes absent from responses and refused as input without the permission."""
import json
from datetime import date

import pytest
import prison
from sqlalchemy import func, select

from app.models.clients import Client, Guardian, Organisation
from app.security import ACCOUNTANT, ADMIN, FRONT_DESK, INSTRUCTOR, MANAGER, STOREKEEPER
from tests.factories.clients import make_client
from tests.factories.timetable import make_employee, make_group

SECRET = "Epilepsy – keep away from strobe lights"


def _minor():
    return date(date.today().year - 9, 3, 3).isoformat()


def _text(response):
    return json.dumps(response.json, ensure_ascii=False)


def _count(db, model=Client):
    db.session.remove()
    return db.session.scalar(select(func.count()).select_from(model))


def test_post_minor_without_guardian_is_refused(db, app, api_token):
    headers = api_token(MANAGER)
    response = app.test_client().post("/api/v1/client/", headers=headers, json={
        "first_name": "Léa", "last_name": "Dubois", "birth_date": _minor()})
    assert response.status_code == 400
    assert "guardian" in response.json["message"]
    assert _count(db) == 0


def test_post_minor_with_guardians(db, app, api_token):
    headers = api_token(FRONT_DESK)
    response = app.test_client().post("/api/v1/client/", headers=headers, json={
        "first_name": "Léa", "last_name": "Dubois", "birth_date": _minor(),
        "guardians": [{"full_name": "Claire Dubois", "relation": "mother",
                       "phone": "+33 6 11 22 33 44"}]})
    assert response.status_code == 201, response.json
    db.session.remove()
    guardian = db.session.scalar(select(Guardian))
    assert guardian.client_id == response.json["id"] and guardian.phone_digits == "33611223344"


def test_post_guardians_must_be_objects(db, app, api_token):
    response = app.test_client().post("/api/v1/client/", headers=api_token(MANAGER), json={
        "first_name": "A", "last_name": "B", "guardians": "mum"})
    assert response.status_code == 422


def test_put_into_minor_without_guardian_is_refused(db, app, api_token):
    adult_id = make_client(birth_date=date(1990, 1, 1)).id
    response = app.test_client().put(f"/api/v1/client/{adult_id}", headers=api_token(MANAGER),
                                     json={"birth_date": _minor(), "version": 1})
    assert response.status_code == 400
    assert "guardian" in response.json["message"]
    db.session.remove()
    assert db.session.get(Client, adult_id).birth_date == date(1990, 1, 1)


def test_delete_last_guardian_refused(db, app, api_token):
    minor = make_client(birth_date=date.fromisoformat(_minor()))
    guardian_id = minor.guardians[0].id
    response = app.test_client().delete(f"/api/v1/guardian/{guardian_id}",
                                        headers=api_token(MANAGER))
    assert response.status_code == 400
    assert _count(db, Guardian) == 1


def test_post_duplicate_phone_conflict_then_allowed(db, app, api_token):
    existing = make_client(phone="+33 6 12 34 56 78")
    headers = api_token(MANAGER)
    body = {"first_name": "A", "last_name": "B", "phone": "06 12 34 56 78"}
    response = app.test_client().post("/api/v1/client/", headers=headers, json=body)
    assert response.status_code == 409
    assert response.json["duplicates"] == [existing.id]
    response = app.test_client().post("/api/v1/client/?allow_duplicate=1", headers=headers,
                                      json=body)
    assert response.status_code == 201
    assert _count(db) == 2


@pytest.mark.parametrize("role, allowed", [(ADMIN, True), (MANAGER, True), (INSTRUCTOR, True),
                                           (FRONT_DESK, False), (ACCOUNTANT, False)])
def test_medical_notes_in_api_responses(db, app, api_token, role, allowed):
    patient = make_client(last_name="Lambert", medical_notes=SECRET)
    headers = api_token(role)
    if role == INSTRUCTOR:
        # an instructor only sees the clients of its own work (app.services.clients.scope)
        from flask_appbuilder.security.sqla.models import User

        user_id = db.session.scalar(select(User.id).order_by(User.id.desc()).limit(1))
        make_group(members=[patient], instructor=make_employee(user_id=user_id))
        db.session.commit()
    api = app.test_client()
    listed = api.get("/api/v1/client/", headers=headers)
    shown = api.get(f"/api/v1/client/{patient.id}", headers=headers)
    asked = api.get("/api/v1/client/?q=" + prison.dumps({"columns": ["id", "medical_notes"]}),
                    headers=headers)
    shown_asked = api.get(f"/api/v1/client/{patient.id}?q=" + prison.dumps(
        {"columns": ["medical_notes"]}), headers=headers)
    for response in (listed, shown, asked, shown_asked):
        assert response.status_code == 200, response.json
        assert (SECRET in _text(response)) is allowed
    assert listed.json["result"][0]["last_name"] == "Lambert"
    info = api.get("/api/v1/client/_info", headers=headers).get_data(as_text=True)
    if role in (FRONT_DESK,):
        assert "medical_notes" not in info


@pytest.mark.parametrize("role, allowed", [(MANAGER, True), (FRONT_DESK, False)])
def test_medical_notes_as_api_input(db, app, api_token, role, allowed):
    headers = api_token(role)
    api = app.test_client()
    response = api.post("/api/v1/client/", headers=headers, json={
        "first_name": "A", "last_name": "B", "medical_notes": "diabetes"})
    assert response.status_code == (201 if allowed else 422)
    patient = make_client(medical_notes=SECRET)
    url = f"/api/v1/client/{patient.id}"

    def if_match():  # the version read just before, as a careful API client sends it
        return {**headers, "If-Match": api.get(url, headers=headers).headers["ETag"]}

    response = api.put(url, headers=if_match(), json={"medical_notes": "changed", "notes": "x"})
    assert response.status_code == (200 if allowed else 422)
    assert (SECRET in _text(response)) is False
    # an edit of other fields by a role without the permission keeps the notes
    response = api.put(url, headers=if_match(), json={"notes": "y"})
    assert response.status_code == 200
    assert "medical_notes" not in response.json["result"] or allowed
    db.session.remove()
    assert db.session.get(Client, patient.id).medical_notes == ("changed" if allowed else SECRET)


def test_medical_notes_not_searchable_through_api_filters(db, app, api_token):
    make_client(last_name="Lambert", medical_notes=SECRET)
    query = prison.dumps({"filters": [{"col": "medical_notes", "opr": "ct", "value": "Epi"}]})
    response = app.test_client().get(f"/api/v1/client/?q={query}", headers=api_token(FRONT_DESK))
    assert response.status_code == 400


def test_api_search_filter_any_script_and_phone(db, app, api_token):
    make_client(first_name="Артём", last_name="Ёлкин", phone="+7 (495) 123-45-67")
    make_client(first_name="Oliver", last_name="Smith")
    api, headers = app.test_client(), api_token(ACCOUNTANT)
    for text in ("елкин", "495 1234567"):
        query = prison.dumps({"filters": [{"col": "search_name", "opr": "client_text",
                                           "value": text}]})
        response = api.get(f"/api/v1/client/?q={query}", headers=headers)
        assert response.status_code == 200, response.json
        assert [r["first_name"] for r in response.json["result"]] == ["Артём"]


@pytest.mark.parametrize("role, status", [(INSTRUCTOR, 403), (ACCOUNTANT, 403),
                                          (STOREKEEPER, 403)])
def test_read_only_roles_cannot_post(db, app, api_token, role, status):
    response = app.test_client().post("/api/v1/client/", headers=api_token(role), json={
        "first_name": "A", "last_name": "B"})
    assert response.status_code == status
    assert _count(db) == 0


def test_storekeeper_cannot_read_clients(db, app, api_token):
    patient = make_client(last_name="Lambert")
    headers = api_token(STOREKEEPER)
    api = app.test_client()
    assert api.get("/api/v1/client/", headers=headers).status_code == 403
    assert api.get(f"/api/v1/client/{patient.id}", headers=headers).status_code == 403


def test_translator_cannot_read_clients(db, app, api_token):
    assert app.test_client().get("/api/v1/client/",
                                 headers=api_token("Translator")).status_code == 403


def test_organisation_api(db, app, api_token):
    api = app.test_client()
    response = api.post("/api/v1/organisation/", headers=api_token(MANAGER),
                        json={"short_name": ""})
    assert response.status_code == 400
    response = api.post("/api/v1/organisation/", headers=api_token(MANAGER),
                        json={"short_name": "Банк Восход", "tax_id": "7701234567"})
    assert response.status_code == 201
    db.session.remove()
    assert db.session.scalar(select(Organisation.search_name)) == "банк восход 7701234567"
    assert api.post("/api/v1/organisation/", headers=api_token(FRONT_DESK),
                    json={"short_name": "X"}).status_code == 403
    assert api.get("/api/v1/organisation/", headers=api_token(FRONT_DESK)).status_code == 200


def test_list_query_count_constant_in_rows(db, app, api_token, make_user, count_queries):
    """The API list loads each row's category, source, manager and organisation up front: the
    number of queries does not grow with the rows (it used to be several per row)."""
    from tests.factories.clients import make_category, make_organisation, make_source

    headers = api_token(MANAGER)
    web = app.test_client()

    def add(n):
        for i in range(n):
            manager = make_user(MANAGER)
            make_client(category_id=make_category(f"Cat{i}-{n}").id,
                        source_id=make_source(f"Src{i}-{n}").id, manager_id=manager.id,
                        organisation_id=make_organisation().id)

    add(1)
    with count_queries() as few:
        response = web.get("/api/v1/client/", headers=headers)
    assert response.status_code == 200 and response.json["count"] == 1
    add(12)
    with count_queries() as many:
        response = web.get("/api/v1/client/", headers=headers)
    assert response.status_code == 200 and response.json["count"] == 13
    rows = response.json["result"]
    assert all(row["category"]["name"].startswith("Cat") for row in rows)
    assert all(row["organisation"] and row["manager"] for row in rows)
    assert many() == few(), (few(), many())


def test_related_records_answered_by_id_and_name(db, app, api_token, make_user):
    manager = make_user(MANAGER)
    client = make_client(manager_id=manager.id)
    headers = api_token(MANAGER)
    web = app.test_client()
    for url in ("/api/v1/client/", f"/api/v1/client/{client.id}"):
        response = web.get(url, headers=headers)
        assert response.status_code == 200
        row = response.json["result"]
        row = row[0] if isinstance(row, list) else row
        assert row["manager"] == {"id": manager.id, "first_name": manager.first_name,
                                  "last_name": manager.last_name}
        assert "password" not in response.get_data(as_text=True)
