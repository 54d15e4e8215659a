"""Jobs run on a real worker against the real redis-server; progress is visible over the API."""
import os
import time

from rq import SimpleWorker

from app.jobs import enqueue, get_queue, redis_connection
from app.jobs.platform import purge_expired_files
from app.security import ADMIN, MANAGER


def test_job_runs_on_worker_and_reports_progress(app, db, login, make_user):
    folder = app.config["REPORTS_FOLDER"]
    os.makedirs(folder, exist_ok=True)
    old = os.path.join(folder, "old.xlsx")
    new = os.path.join(folder, "new.xlsx")
    for path in (old, new):
        open(path, "w").close()
    past = time.time() - 30 * 86400
    os.utime(old, (past, past))

    client = login(ADMIN)
    saved = app.config["RQ_ASYNC"]
    app.config["RQ_ASYNC"] = True
    try:
        job = enqueue(purge_expired_files, kind="purge", user_id=client.user_id)
        before = client.get(f"/api/v1/job/{job.id}").json
        assert before["status"] == "queued" and before["progress"] == 0
        connection = redis_connection()
        SimpleWorker([get_queue("default", connection)], connection=connection).work(burst=True)
    finally:
        app.config["RQ_ASYNC"] = saved
    after = client.get(f"/api/v1/job/{job.id}").json
    assert after["status"] == "finished"
    assert after["progress"] == 100
    assert after["meta"]["removed"] == 1
    assert not os.path.exists(old) and os.path.exists(new)


def test_job_status_is_private_to_its_starter(app, db, login):
    owner = login(MANAGER)
    # queued, not run: the status endpoint answers from the record and Redis alone
    job = enqueue(purge_expired_files, kind="purge", user_id=owner.user_id)
    assert owner.get(f"/api/v1/job/{job.id}").status_code == 200
    assert login(MANAGER).get(f"/api/v1/job/{job.id}").status_code == 403
    assert login(ADMIN).get(f"/api/v1/job/{job.id}").status_code == 200
    assert owner.get("/api/v1/job/nope").status_code == 404


def test_failed_job_is_recorded_and_listed(app, db, login):
    from app.models.jobs import JobRecord

    client = login(ADMIN)
    saved = app.config["RQ_ASYNC"]
    app.config["RQ_ASYNC"] = True
    try:
        job = enqueue(purge_expired_files, "not-a-number", kind="purge", user_id=client.user_id)
        connection = redis_connection()
        SimpleWorker([get_queue("default", connection)], connection=connection).work(burst=True)
    finally:
        app.config["RQ_ASYNC"] = saved
    record = db.session.query(JobRecord).filter_by(rq_id=job.id).one()
    db.session.refresh(record)
    assert record.status == "failed" and "TypeError" in record.error
    page = client.get("/jobs/").get_data(as_text=True)
    assert job.id[:8] in page
