"""Token (bearer) API clients get their refusals in the language of ``Accept-Language`` when it
names one of ours, else in the user's saved language, else in English."""
from app.security import MANAGER
from app.services.platform.users import set_user_locale

URL = "/api/v1/lesson/999999/results"
BODY = {"results": [{"client_id": 1, "mark": "5"}]}


def test_refusal_in_the_accept_language(app, db, api_token):
    headers = {**api_token(MANAGER), "Accept-Language": "ru-RU,ru;q=0.9,en;q=0.5"}
    response = app.test_client().post(URL, headers=headers, json=BODY)
    assert response.status_code == 404
    assert response.json["message"] == "Такого занятия нет."


def test_refusal_in_english_without_accept_language(app, db, api_token):
    response = app.test_client().post(URL, headers=api_token(MANAGER), json=BODY)
    assert response.json["message"] == "No such lesson."


def test_unknown_accept_language_falls_back_to_the_saved_language(app, db, make_user):
    user = make_user(MANAGER)
    set_user_locale(user.id, "fr")
    client = app.test_client()
    token = client.post("/api/v1/security/login", json={
        "username": user.username, "password": "pw", "provider": "db"}).json["access_token"]
    response = client.post(URL, json=BODY, headers={
        "Authorization": f"Bearer {token}", "Accept-Language": "de"})
    assert response.status_code == 404
    assert response.json["message"] == _french("No such lesson.") != "No such lesson."


def _french(text):
    import os

    from babel.messages.pofile import read_po

    from app.services.platform.translations import TRANSLATIONS

    with open(os.path.join(TRANSLATIONS, "fr", "LC_MESSAGES", "messages.po"), "rb") as handle:
        return read_po(handle).get(text).string
