"""/health tells the truth about each part; /metrics exports it to a token bearer only."""
from datetime import datetime, timedelta, timezone

import pytest
from redis import Redis
from rq import Queue, Worker
from rq.cron import CronScheduler

from app.jobs import QUEUES


@pytest.fixture
def live_parts(app, redis_url):
    """A registered rq worker on every queue and a cron scheduler that has just beaten."""
    connection = Redis.from_url(redis_url)
    worker = Worker([Queue(name, connection=connection) for name in QUEUES],
                    connection=connection, name="health-test-worker")
    worker.register_birth()
    scheduler = CronScheduler(connection, name="health-test-cron")
    scheduler.register_birth()
    scheduler.heartbeat()
    yield worker, scheduler
    worker.register_death()
    scheduler.register_death()


def test_health_is_ok_with_database_redis_workers_and_a_beating_scheduler(app, db, live_parts):
    response = app.test_client().get("/health")
    assert response.status_code == 200, response.json
    assert response.json["status"] == "ok"
    assert set(response.json["parts"]) == {"database", "redis", "workers", "scheduler"}
    assert all(response.json["workers"][name] >= 1 for name in QUEUES)
    assert 0 <= response.json["scheduler_heartbeat_age"] < 60
    assert response.headers["Cache-Control"] == "no-store"


def test_health_names_the_missing_worker_and_scheduler(app, db):
    response = app.test_client().get("/health")
    assert response.status_code == 503
    assert response.json["parts"]["database"] == "ok"
    assert response.json["parts"]["redis"] == "ok"
    assert response.json["parts"]["workers"].startswith("no worker for ")
    assert response.json["parts"]["scheduler"] == "no cron scheduler"


def test_a_silent_scheduler_counts_as_gone(app, db, live_parts):
    from app.services.platform.health import check_health

    with app.test_request_context():
        later = datetime.now(timezone.utc) + timedelta(minutes=10)
        assert check_health(now=later).parts["scheduler"].startswith("last heartbeat")


def test_health_reports_redis_down(app, db):
    app.config["REDIS_URL"], kept = "redis://127.0.0.1:1/0", app.config["REDIS_URL"]
    try:
        response = app.test_client().get("/health")
    finally:
        app.config["REDIS_URL"] = kept
    assert response.status_code == 503
    assert response.json["parts"]["database"] == "ok"
    assert "ConnectionError" in response.json["parts"]["redis"]


def test_metrics_answer_only_the_token_bearer(app, db, live_parts):
    web = app.test_client()
    assert web.get("/metrics").status_code == 404  # no token configured: no metrics at all
    app.config["METRICS_TOKEN"] = "s3cret-metrics-token"
    try:
        assert web.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
        web.get("/login/")
        response = web.get("/metrics", headers={"Authorization": "Bearer s3cret-metrics-token"})
    finally:
        app.config["METRICS_TOKEN"] = None
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert 'tessera_part_up{part="redis"} 1.0' in text
    assert 'tessera_workers{queue="reports"} 1.0' in text
    assert 'tessera_request_seconds_count{endpoint="AuthDBView.login",method="GET"}' in text
