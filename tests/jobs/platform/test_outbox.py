"""No work is lost while Redis is down: a job started then waits in the outbox (its JobRecord)
and the relay hands it over when Redis is back; a mailing is never finished unbuilt."""
import pytest
from sqlalchemy import func, select

from app.jobs.communication import queue_mailing
from app.jobs.reports import start_report
from app.models.communication import Mailing, Message
from app.models.jobs import JobRecord
from app.security import MANAGER
from app.services.communication import mailings
from app.services.platform.queue import PendingJob, _push, relay_outbox
from tests.communication_fixtures import smtp_server  # noqa: F401
from tests.factories.clients import make_client
from tests.factories.communication import make_template
from tests.factories.reports import build_centre

DEAD_REDIS = "redis://127.0.0.1:1/0"


@pytest.fixture
def inline_jobs(app):
    saved = app.config["RQ_ASYNC"]
    app.config["RQ_ASYNC"] = False
    yield
    app.config["RQ_ASYNC"] = saved


@pytest.fixture
def redis_down(app):
    """Flip the app's Redis to a closed port; ``back()`` restores it."""
    live = app.config["REDIS_URL"]
    app.config["REDIS_URL"] = DEAD_REDIS

    class Switch:
        @staticmethod
        def back():
            app.config["REDIS_URL"] = live

    yield Switch
    app.config["REDIS_URL"] = live


def test_a_report_started_while_redis_is_down_runs_when_it_returns(
        app, db, login, inline_jobs, redis_down):
    build_centre()
    client = login(MANAGER)
    job = start_report("debts", {}, "xlsx", client.user_id, "en")
    assert isinstance(job, PendingJob)
    record = db.session.scalar(select(JobRecord).where(JobRecord.rq_id == job.id))
    assert record.enqueued_on is None and record.status == "queued"
    status = client.get(f"/api/v1/job/{job.id}").json
    assert status["waiting_for_queue"] is True and status["status"] == "queued"

    assert relay_outbox(grace_seconds=0) == 0  # still down: nothing handed over, nothing lost
    redis_down.back()
    assert relay_outbox(grace_seconds=0) == 1
    db.session.expire_all()
    record = db.session.scalar(select(JobRecord).where(JobRecord.rq_id == job.id))
    assert record.status == "finished" and record.result_path
    assert client.get(f"/api/v1/job/{job.id}").json["waiting_for_queue"] is False
    assert relay_outbox(grace_seconds=0) == 0  # handed over once only


def test_the_outbox_row_is_pushed_once_however_many_try(app, db, login, inline_jobs):
    build_centre()
    client = login(MANAGER)
    job = start_report("debts", {}, "xlsx", client.user_id, "en")
    record_id = db.session.scalar(select(JobRecord.id).where(JobRecord.rq_id == job.id))
    assert _push(record_id) is None  # already claimed and enqueued by its starter
    assert relay_outbox(grace_seconds=0) == 0


def test_a_mailing_sent_while_redis_is_down_is_delivered_not_lost(
        app, db, smtp_server, inline_jobs, redis_down):  # noqa: F811
    make_template()
    for name in ("Ann", "Bob", "Cid"):
        make_client(first_name=name, email=f"{name.lower()}@example.org", consent_email=True)
    mailing = mailings.create_mailing("Autumn news", "news", "email", {})
    db.session.commit()
    job = queue_mailing(mailing.id)
    assert isinstance(job, PendingJob)
    assert db.session.get(Mailing, mailing.id).status == "sending"
    # the stalled-mailing sweep must not call it done: no message has been built yet
    assert mailings.finish_mailing_if_complete(mailing.id) is False
    assert db.session.get(Mailing, mailing.id).status == "sending"

    redis_down.back()
    assert relay_outbox(grace_seconds=0) >= 1
    db.session.expire_all()
    done = db.session.get(Mailing, mailing.id)
    assert done.status == "done"
    assert db.session.scalar(select(func.count()).select_from(Message)
                             .where(Message.mailing_id == mailing.id,
                                    Message.status == "sent")) == 3
    assert sorted(smtp_server.addresses()) == ["ann@example.org", "bob@example.org",
                                               "cid@example.org"]
