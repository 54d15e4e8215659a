"""When even the database refuses the outbox write, the API answers a translated JSON 503
("background work is paused …") and nothing of the action is kept: no job record, the mailing
still a draft that can be sent later."""
import contextlib

from sqlalchemy import event, select
from sqlalchemy.exc import OperationalError

from app.models.communication import Mailing
from app.models.jobs import JobRecord
from app.security import MANAGER
from tests.factories.clients import make_client
from tests.factories.communication import make_template


@contextlib.contextmanager
def outbox_refused(engine):
    """The database refuses every INSERT into job_record (read-only, full, going down)."""
    def refuse(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("INSERT INTO JOB_RECORD"):
            raise OperationalError(statement, parameters,
                                   Exception("cannot execute INSERT in a read-only transaction"))

    event.listen(engine, "before_cursor_execute", refuse)
    try:
        yield
    finally:
        event.remove(engine, "before_cursor_execute", refuse)


def test_report_and_mailing_answer_503_and_keep_nothing(app, db, api_token):
    headers = api_token(MANAGER)
    client = app.test_client()
    make_template()
    make_client(email="a@example.org", consent_email=True)
    created = client.post("/api/v1/mailing/", headers=headers, json={
        "title": "News", "template_name": "news", "channel": "email"})
    assert created.status_code == 201, created.json
    mailing_id = created.json["id"]
    before = db.session.scalar(select(JobRecord.id).order_by(JobRecord.id.desc()).limit(1))
    with outbox_refused(db.engine):
        report = client.post("/api/v1/report/revenue", headers=headers, json={
            "date_from": "2026-02-01", "date_to": "2026-04-30", "format": "xlsx"})
        mailing = client.post(f"/api/v1/mailing/{mailing_id}/send", headers=headers)
        # and in another language, the same refusal translated
        french = client.post(f"/api/v1/mailing/{mailing_id}/send",
                             headers=dict(headers, **{"Accept-Language": "fr"}))
    for response in (report, mailing):
        assert response.status_code == 503, response.get_data(as_text=True)
        assert response.json["message"] == (
            "Background work is paused; it will start when the queue is back.")
    assert french.status_code == 503 and french.json["message"]
    db.session.expire_all()
    assert db.session.scalar(select(JobRecord.id).order_by(JobRecord.id.desc()).limit(1)) == before
    assert db.session.get(Mailing, mailing_id).status == "draft"
    # the database is back: the same action works
    again = client.post(f"/api/v1/mailing/{mailing_id}/send", headers=headers)
    assert again.status_code == 202, again.get_data(as_text=True)
