"""Communication REST API: templates (+ preview), mailings (create, count, send), messages,
tasks and calls, with the same rules and permissions as the pages."""
from datetime import datetime

from sqlalchemy import func, select

from app.models.communication import Call, Task
from app.security import FRONT_DESK, INSTRUCTOR, MANAGER
from tests.communication_fixtures import smtp_server  # noqa: F401
from tests.factories.clients import make_client
from tests.factories.communication import make_task_result, make_template
from tests.views.communication.test_views import run_message_jobs


def test_template_api_refuses_unknown_placeholder_and_previews(app, db, api_token):
    client = app.test_client()
    headers = api_token(MANAGER)
    response = client.post("/api/v1/message_template/", headers=headers, json={
        "name": "promo", "channel": "sms", "language": "ru", "body": "Привет, {imya}!"})
    assert response.status_code == 400
    assert "{imya}" in response.json["message"] and response.json["field"] == "body"
    response = client.post("/api/v1/message_template/", headers=headers, json={
        "name": "promo", "channel": "sms", "language": "ru", "body": "Привет, {first_name}!"})
    assert response.status_code == 201, response.json
    person = make_client(first_name="Ольга", phone="+7 900", consent_sms=True)
    preview = client.get(f"/api/v1/message_template/{response.json['id']}/preview"
                         f"?client_id={person.id}", headers=headers)
    assert preview.status_code == 200 and preview.json["body"] == "Привет, Ольга!"
    assert client.get("/api/v1/message_template/", headers=api_token(INSTRUCTOR)).status_code in (401, 403)


def test_mailing_api_creates_counts_and_sends_once(app, db, api_token, smtp_server):
    client = app.test_client()
    headers = api_token(MANAGER)
    make_template()
    make_client(email="a@example.org", consent_email=True)
    make_client(email="b@example.org", consent_email=True, birth_date=datetime(1940, 1, 1).date())
    count = client.post("/api/v1/mailing/preview", headers=headers,
                        json={"segment": {"age_min": 70}, "channel": "email"})
    assert count.json == {"clients": 1, "messages": 1, "skipped": 0}
    bad = client.post("/api/v1/mailing/", headers=headers, json={
        "title": "X", "template_name": "nope", "channel": "email"})
    assert bad.status_code == 400
    created = client.post("/api/v1/mailing/", headers=headers, json={
        "title": "Seniors", "template_name": "news", "channel": "email",
        "segment": {"age_min": 70}})
    assert created.status_code == 201, created.json
    mailing_id = created.json["id"]
    saved = app.config.get("RQ_ASYNC")
    app.config["RQ_ASYNC"] = True
    try:
        sent = client.post(f"/api/v1/mailing/{mailing_id}/send", headers=headers)
        assert sent.status_code == 202 and sent.json["job_id"]
        assert client.post(f"/api/v1/mailing/{mailing_id}/send", headers=headers).status_code == 409
        run_message_jobs()
    finally:
        app.config["RQ_ASYNC"] = saved
    assert smtp_server.addresses() == ["b@example.org"]
    assert client.get(f"/api/v1/mailing/{mailing_id}", headers=headers).json["result"]["status"] == "done"
    messages = client.get("/api/v1/message/", headers=headers).json
    assert messages["count"] == 1 and messages["result"][0]["status"] == "sent"
    assert client.post("/api/v1/message/", headers=headers, json={}).status_code in (404, 405)
    assert client.post(f"/api/v1/mailing/{mailing_id}/send",
                       headers=api_token(FRONT_DESK)).status_code in (401, 403)


def test_task_and_call_api_apply_the_rules(app, db, api_token, make_user):
    client = app.test_client()
    headers = api_token(FRONT_DESK)
    person = make_client()
    result = make_task_result("Will come")
    bad = client.post("/api/v1/task/", headers=headers, json={
        "text": "", "due_at": "2026-03-10 10:00:00", "client_id": person.id})
    assert bad.status_code == 400
    created = client.post("/api/v1/task/", headers=headers, json={
        "text": "Call back", "due_at": "2026-03-10 10:00:00", "client_id": person.id})
    assert created.status_code == 201, created.json
    closing = client.put(f"/api/v1/task/{created.json['id']}", headers=headers,
                         json={"status": "done", "version": 1})
    assert closing.status_code == 400  # a closed task needs a result or a reaction
    closing = client.put(f"/api/v1/task/{created.json['id']}", headers=headers,
                         json={"status": "done", "result_id": result.id, "version": 1})
    assert closing.status_code == 200
    assert db.session.scalar(select(Task.done_at)) is not None
    call = client.post("/api/v1/call/", headers=headers, json={
        "client_id": person.id, "duration_seconds": 42, "reaction": "ok"})
    assert call.status_code == 201, call.json
    stored = db.session.scalar(select(Call))
    assert stored.manager_id is not None and stored.duration_seconds == 42
    negative = client.post("/api/v1/call/", headers=headers, json={
        "client_id": person.id, "duration_seconds": -1})
    assert negative.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(Call)) == 1
