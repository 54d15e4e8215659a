"""Communication pages: permissions per role, the desk (query count), control, mailing form."""
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.models.communication import Call, Mailing, Message, MessageTemplate, Task
from app.security import ACCOUNTANT, FRONT_DESK, INSTRUCTOR, MANAGER
from tests.communication_fixtures import smtp_server  # noqa: F401
from tests.factories.clients import make_client
from tests.factories.communication import make_call, make_task, make_task_result, make_template


def run_message_jobs():
    """Run the queued message jobs in this process (rq's SimpleWorker), until none is left."""
    from rq import SimpleWorker

    from app.jobs import get_queue, redis_connection

    connection = redis_connection()
    SimpleWorker([get_queue("messages", connection)], connection=connection).work(burst=True)


def _denied(response):
    return response.status_code in (302, 403) and "/login" in response.headers.get("Location", "/login")


@pytest.mark.parametrize("url", ["/desk/", "/desk/control/", "/mailings/new", "/message/list/",
                                 "/messagetemplate/list/", "/taskresult/list/"])
def test_pages_open_for_a_manager_and_not_for_an_instructor(login, url):
    assert login(MANAGER).get(url).status_code == 200
    assert _denied(login(INSTRUCTOR).get(url))


def test_front_desk_logs_calls_and_tasks_but_has_no_desk_or_control(login):
    client = login(FRONT_DESK)
    assert client.get("/task/list/").status_code == 200
    assert client.get("/call/list/").status_code == 200
    assert _denied(client.get("/desk/control/"))
    assert _denied(client.get("/mailings/new"))
    assert _denied(login(ACCOUNTANT).get("/task/list/"))


def test_desk_shows_my_tasks_with_a_constant_number_of_queries(app, db, login, count_queries):
    browser = login(MANAGER)
    me = browser.user_id
    make_task_result("Will come")

    def add_tasks(n):
        for i in range(n):
            client = make_client(first_name=f"Zoé{i}{n}", phone="+33 1")
            make_task(manager_id=me, client_id=client.id, text=f"Call Zoé {i}/{n}",
                      due_at=datetime.now() - timedelta(days=1 + i % 2))
            make_call(manager_id=me, client_id=client.id)

    add_tasks(2)
    with count_queries() as few:
        page = browser.get("/desk/").get_data(as_text=True)
    assert "Call Zoé 1/2" in page
    add_tasks(12)
    with count_queries() as many:
        page = browser.get("/desk/").get_data(as_text=True)
    assert "Call Zoé 11/12" in page
    assert many() == few()


def test_log_call_from_the_desk_closes_the_task(app, db, login):
    browser = login(MANAGER)
    client = make_client()
    result = make_task_result("Will come")
    task = make_task(manager_id=browser.user_id, client_id=client.id, text="Call back")
    response = browser.post("/desk/call", data={
        "task_id": task.id, "client_id": client.id, "duration_minutes": "2,5",
        "result_id": result.id, "reaction": "glad", "close": "1", "task_status": "done"})
    assert response.status_code == 302
    db.session.expire_all()
    call = db.session.scalar(select(Call))
    assert (call.duration_seconds, call.task_id, call.reaction) == (150, task.id, "glad")
    assert db.session.get(Task, task.id).status == "done"
    page = browser.get("/desk/").get_data(as_text=True)
    assert "Nothing due today" in page and "glad" in page
    browser.post("/desk/call", data={"client_id": client.id, "duration_minutes": "abc"})
    assert db.session.scalar(select(func.count()).select_from(Call)) == 1


def test_control_page_shows_grouped_figures(app, db, login):
    browser = login(MANAGER)
    client = make_client(first_name="Ani")
    make_call(manager_id=browser.user_id, client_id=client.id, duration_seconds=3725,
              reaction="Asked for a discount")
    page = browser.get("/desk/control/").get_data(as_text=True)
    assert "1:02:05" in page and "Asked for a discount" in page


def test_mailing_form_counts_saves_and_sends_once(app, db, login, smtp_server):
    browser = login(MANAGER)
    make_template()
    make_client(email="a@example.org", consent_email=True, manager_id=browser.user_id)
    make_client(email="b@example.org", consent_email=False)
    form = {"title": "Autumn", "template_name": "news", "channel": "email", "callback_tasks": "1"}
    page = browser.post("/mailings/new", data=dict(form, do="count")).get_data(as_text=True)
    assert "2 clients match: 1 messages will be sent, 1 skipped" in page
    response = browser.post("/mailings/new", data=dict(form, do="save"))
    assert response.status_code == 302
    mailing_id = db.session.scalar(select(Mailing.id))
    saved = app.config.get("RQ_ASYNC")
    app.config["RQ_ASYNC"] = True
    try:
        assert browser.post(f"/mailings/{mailing_id}/send").status_code == 302
        assert "already been sent" in browser.post(
            f"/mailings/{mailing_id}/send", follow_redirects=True).get_data(as_text=True)
        run_message_jobs()
    finally:
        app.config["RQ_ASYNC"] = saved
    assert smtp_server.addresses() == ["a@example.org"]
    page = browser.get(f"/mailings/{mailing_id}").get_data(as_text=True)
    assert "Done" in page
    assert db.session.scalar(select(func.count()).select_from(Task)) == 1
    assert db.session.scalar(select(func.count()).select_from(Message)) == 2


def test_template_form_refuses_unknown_placeholder_and_preview_uses_a_client(app, db, login):
    browser = login(MANAGER)
    page = browser.post("/messagetemplate/add", data={
        "name": "promo", "channel": "email", "language": "fr", "subject": "Bonjour",
        "body": "Bonjour {prenom}", "active": "y"}, follow_redirects=True).get_data(as_text=True)
    assert "Unknown placeholder {prenom}" in page
    assert db.session.scalar(select(func.count()).select_from(MessageTemplate)) == 0
    template = make_template(language="fr", subject="Bonjour {first_name}",
                             body="{first_name}, il vous reste {sessions_left} séances.")
    client = make_client(first_name="Élodie", last_name="Martin")
    page = browser.get(f"/messagetemplates/{template.id}/preview?q=martin").get_data(as_text=True)
    assert f"client_id={client.id}" in page
    page = browser.get(f"/messagetemplates/{template.id}/preview?client_id={client.id}"
                       ).get_data(as_text=True)
    assert "Bonjour Élodie" in page


def test_client_card_shows_calls_messages_and_tasks(app, db, login):
    from app.services.communication import messaging

    browser = login(MANAGER)
    person = make_client(first_name="Narek", email="narek@example.org", consent_email=True)
    make_call(manager_id=browser.user_id, client_id=person.id, reaction="Will think about it")
    make_task(manager_id=browser.user_id, client_id=person.id, text="Offer the evening group")
    template = make_template()
    rows = messaging.build_messages([messaging.Outgoing(person, "card")], "email",
                                    {"en": template}, "test")
    messaging.store_messages(rows)
    db.session.commit()
    page = browser.get(f"/clients/{person.id}/card").get_data(as_text=True)
    assert "Will think about it" in page
    assert "Offer the evening group" in page
    assert "narek@example.org" in page and "Hello Narek" in page
