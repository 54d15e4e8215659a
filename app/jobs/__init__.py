"""RQ plumbing: the Redis connection, the three queues, enqueueing with a record, progress.

Job functions live in ``app/jobs/<domain>.py``; they are thin: load, call a service, report
progress. ``@app_job`` gives them an application context in the worker. Jobs that talk to the
outside world are enqueued with ``RETRY_OUTSIDE`` so a refused SMTP connection is retried with
backoff and, when it keeps failing, lands in rq's failed-job registry instead of vanishing.
"""
import functools
import os
from datetime import datetime

from flask import current_app, has_app_context
from rq import Retry, get_current_job

from app.services.platform.queue import (  # noqa: F401  (the jobs' API)
    QUEUES, enqueue, enqueue_after_commit, get_queue, push_committed, redis_connection)

RETRY_OUTSIDE = Retry(max=4, interval=[10, 30, 120, 600])
# Jobs that build a file are idempotent (a rebuilt file replaces the old one): when their worker
# dies, rq's registry cleanup finds them abandoned and this retries them.
RETRY_REBUILD = Retry(max=3, interval=[10, 30, 60])

_app = None
_engine_pid = None


def report_progress(done, total, **extra):
    """Store the job's progress (0–100) in its meta for the status endpoint's progress bar."""
    job = get_current_job()
    if job is None:
        return
    percent = 100 if not total else min(100, int(done * 100 / total))
    job.meta["progress"] = percent
    job.meta.update(extra)
    job.save_meta()


def bind_worker_app(app):
    """The application jobs run in when a worker has no application context of its own
    (``flask worker`` binds its app; jobs run inline already have one)."""
    global _app
    _app = app


def _worker_app():
    if _app is None:
        raise RuntimeError("No Tessera application bound to this worker: start workers with "
                           "`flask worker`, which binds one.")
    return _app


def app_job(func):
    """Run the job inside an application context and record its outcome on the JobRecord."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        if has_app_context():
            _fresh_connections_after_fork()
            return _run_recorded(func, args, kwargs)
        with _worker_app().app_context():
            _fresh_connections_after_fork()
            return _run_recorded(func, args, kwargs)

    return wrapper


def _fresh_connections_after_fork():
    """A work horse is a fork: never reuse the parent's pooled database connections."""
    global _engine_pid
    from app.extensions import db

    if _engine_pid != os.getpid():
        db.engine.dispose(close=False)
        _engine_pid = os.getpid()


def _run_recorded(func, args, kwargs):
    from app.extensions import db
    from app.services.platform import live_catalogs

    live_catalogs.notice_changes(current_app._get_current_object())  # edited catalogs
    job = get_current_job()
    try:
        result = func(*args, **kwargs)
    except Exception as exc:
        db.session.rollback()
        if job is not None:
            _update_record(job.id, status="failed", error=f"{type(exc).__name__}: {exc}")
        raise
    if job is not None:
        path = result if isinstance(result, str) and os.path.isabs(result) else None
        _update_record(job.id, status="finished", result_path=path)
    push_committed()  # jobs this one's transactions wrote for after their commit
    if current_app.config.get("RQ_ASYNC", True):
        # in a worker the next job starts clean; inline (synchronous queues) the caller's
        # request goes on with this session, so it must not be torn down under it
        db.session.remove()
    return result


def _update_record(rq_id, **values):
    from app.extensions import db
    from app.models.jobs import JobRecord

    record = db.session.query(JobRecord).filter_by(rq_id=rq_id).one_or_none()
    if record is None:
        return
    for key, value in values.items():
        setattr(record, key, value)
    record.finished_on = datetime.now()
    db.session.commit()
