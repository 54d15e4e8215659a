"""A worker and its work horse SIGKILLed in the middle of a report: another worker's registry
cleanup finds the job abandoned, rq's Retry puts it back, a second worker builds the report,
and the job record and API say "finished". The report is held mid-run by a database lock the
test takes (every table), so the kill lands while the work horse is inside the job; the
cleanup is run with the clock a heartbeat ahead instead of waiting for it."""
import json
import os
import signal
import subprocess
import sys
import time

from rq import Queue
from rq.registry import FailedJobRegistry, StartedJobRegistry
from rq.suspension import resume, suspend
from sqlalchemy import text

from app.jobs import redis_connection
from app.jobs.reports import start_report
from app.models.jobs import JobRecord
from app.security import MANAGER
from tests.factories.reports import build_centre

HERE = os.path.dirname(__file__)


def _children(pid):
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True)
    return [int(p) for p in out.stdout.split()]


class Held:
    """Every table locked by another connection: the work horse's first query waits."""

    def __init__(self, db):
        self.db = db
        self.conn = None

    def __enter__(self):
        url = self.db.engine.url
        if url.get_backend_name() == "sqlite":
            import sqlite3

            self.conn = sqlite3.connect(url.database, isolation_level=None, timeout=30)
            self.conn.execute("BEGIN EXCLUSIVE")
        else:
            self.conn = self.db.engine.connect()
            self.trans = self.conn.begin()
            names = ", ".join(f'"{t.name}"' for t in self.db.metadata.sorted_tables)
            self.conn.execute(text(f"LOCK TABLE {names} IN ACCESS EXCLUSIVE MODE"))
        return self

    def release(self):
        if self.conn is not None:
            if hasattr(self, "trans"):
                self.trans.rollback()
            self.conn.close()
            self.conn = None

    def __exit__(self, *exc):
        self.release()


def test_report_survives_its_worker_being_killed(app, db, make_user, tmp_path):
    build_centre()
    user = make_user(MANAGER)
    settings = dict(SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
                    REDIS_URL=app.config["REDIS_URL"], RQ_ASYNC=True,
                    UPLOAD_FOLDER=app.config["UPLOAD_FOLDER"],
                    REPORTS_FOLDER=app.config["REPORTS_FOLDER"])
    if settings["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        settings["SQLALCHEMY_ENGINE_OPTIONS"] = {"connect_args": {"timeout": 60}}
    env = dict(os.environ, TESSERA_TEST_SETTINGS=json.dumps(settings))
    procs = []

    def start(mode):
        log = open(tmp_path / f"{mode}-{len(procs)}.log", "w")
        proc = subprocess.Popen([sys.executable, os.path.join(HERE, "rq_process.py"), mode,
                                 "reports"], env=env, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)
        procs.append(proc)
        return proc

    def logs():
        return "\n".join(p.read_text()[-2000:] for p in tmp_path.glob("*.log"))

    connection = redis_connection()
    queue = Queue("reports", connection=connection)
    saved = app.config.get("RQ_ASYNC")
    app.config["RQ_ASYNC"] = True
    try:
        suspend(connection)  # the first worker starts, but takes nothing yet
        first = start("worker")
        job = start_report("revenue", {"date_from": "2026-02-01", "date_to": "2026-04-30"},
                           "xlsx", user.id)
        db.session.remove()
        with Held(db):
            resume(connection)
            started = StartedJobRegistry(queue=queue)
            deadline = time.monotonic() + 60
            while job.id not in started.get_job_ids() and time.monotonic() < deadline:
                time.sleep(0.2)
            assert job.id in started.get_job_ids(), logs()
            time.sleep(1)  # the work horse is inside the job, waiting for the database
            horses = _children(first.pid)
            assert horses, logs()
            for pid in horses:
                os.kill(pid, signal.SIGKILL)
            first.kill()
            first.wait(timeout=10)
        # another worker's maintenance, a heartbeat later: the job is abandoned → retried
        started.cleanup(timestamp=time.time() + 3600)
        assert job.id not in started.get_job_ids()
        job.refresh()
        assert job.get_status() in ("scheduled", "queued"), job.get_status()
        assert job.retries_left == 2
        start("scheduler")
        start("worker")
        deadline = time.monotonic() + 90
        while job.get_status(refresh=True) != "finished" and time.monotonic() < deadline:
            time.sleep(0.5)
        assert job.get_status() == "finished", logs()
    finally:
        resume(connection)
        for proc in procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
        app.config["RQ_ASYNC"] = saved
    db.session.expire_all()
    record = db.session.query(JobRecord).filter_by(rq_id=job.id).one()
    assert record.status == "finished" and record.result_path
    assert os.path.exists(record.result_path)
    assert job.id not in FailedJobRegistry(queue=queue).get_job_ids()
