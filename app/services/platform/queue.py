"""The job queues: the Redis connection, the three queues, enqueueing with a ``JobRecord``.

Below the jobs layer so that services that follow jobs (``platform.jobs``) and the job modules
share one definition; the job functions themselves live in ``app/jobs/``.
"""
from flask import current_app
from redis import Redis
from rq import Queue

from app.extensions import db
from app.models.jobs import JobRecord

QUEUES = ("default", "messages", "reports")


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
