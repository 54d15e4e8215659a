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
from redis import Redis
from rq import Queue, Retry, get_current_job

QUEUES = ("default", "messages", "reports")
RETRY_OUTSIDE = Retry(max=4, interval=[10, 30, 120, 600])

_app = None
_engine_pid = None


def redis_connection(url=None):
    url = url or current_app.config["REDIS_URL"]
    return Redis.from_url(url)


def get_queue(name="default", connection=None):
    if name not in QUEUES:
        raise ValueError(f"unknown queue {name!r}")
    return Queue(
        name,
        connection=connection or redis_connection(),
        is_async=current_app.config.get("RQ_ASYNC", True),
    )


def enqueue(func, *args, queue="default", kind=None, user_id=None, retry=None, **kwargs):
    """Enqueue ``func`` and keep a ``JobRecord`` so the starter can follow and download it."""
    from app.extensions import db
    from app.models.jobs import JobRecord

    q = get_queue(queue)
    job = q.create_job(
        func,
        args=args,
        kwargs=kwargs,
        retry=retry,
        result_ttl=7 * 24 * 3600,
        failure_ttl=30 * 24 * 3600,
        meta={"progress": 0, "user_id": user_id},
    )
    record = JobRecord(rq_id=job.id, kind=kind or func.__name__, user_id=user_id)
    db.session.add(record)
    db.session.commit()
    q.enqueue_job(job)
    return job


def report_progress(done, total, **extra):
    """Store the job's progress (0–100) in its meta for the status endpoint's progress bar."""
    job = get_current_job()
    if job is None:
        return
    percent = 100 if not total else min(100, int(done * 100 / total))
    job.meta["progress"] = percent
    job.meta.update(extra)
    job.save_meta()


def _worker_app():
    global _app
    if _app is None:
        from app import create_app

        _app = create_app()
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
