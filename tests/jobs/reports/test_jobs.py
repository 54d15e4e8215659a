"""A report job on a real RQ worker (queue "reports"): progress goes 0 → 100, the file path is
recorded for its starter."""
import os

import openpyxl
from rq import SimpleWorker

from app.jobs import get_queue, redis_connection
from app.security import MANAGER
from app.jobs.reports import start_report
from tests.factories.reports import build_centre


def test_report_job_on_the_reports_queue(app, db, login):
    build_centre()
    client = login(MANAGER)
    before = app.config.get("RQ_ASYNC", True)
    app.config["RQ_ASYNC"] = True
    try:
        job = start_report("attendance", {"date_from": "2026-02-01", "date_to": "2026-04-30"},
                           "xlsx", client.user_id, "en")
        queued = client.get(f"/api/v1/job/{job.id}").json
        assert queued["status"] == "queued" and queued["progress"] == 0
        connection = redis_connection()
        assert len(get_queue("reports", connection)) == 1
        SimpleWorker([get_queue("reports", connection)], connection=connection).work(burst=True)
    finally:
        app.config["RQ_ASYNC"] = before
    done = client.get(f"/api/v1/job/{job.id}").json
    assert done["status"] == "finished" and done["progress"] == 100, done
    response = client.get(done["result_url"])
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment")
    from app.models.jobs import JobRecord

    path = db.session.query(JobRecord).filter_by(rq_id=job.id).one().result_path
    assert os.path.dirname(path) == os.path.abspath(app.config["REPORTS_FOLDER"])
    assert openpyxl.load_workbook(path).active.max_row > 50


def test_report_jobs_are_retried_when_their_worker_is_lost(app, db, login):
    """A report is idempotent (a rebuilt file replaces the old one), so it carries rq's Retry:
    rq's registry cleanup retries it when its work horse dies instead of failing it."""
    build_centre()
    client = login(MANAGER)
    before = app.config.get("RQ_ASYNC", True)
    app.config["RQ_ASYNC"] = True
    try:
        job = start_report("attendance", {"date_from": "2026-02-01", "date_to": "2026-04-30"},
                           "xlsx", client.user_id, "en")
        assert job.retries_left == 3 and job.retry_intervals == [10, 30, 60]
        assert client.get(f"/api/v1/job/{job.id}").json["retries_left"] == 3
    finally:
        app.config["RQ_ASYNC"] = before
