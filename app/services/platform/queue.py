"""The job queues: the Redis connection, the three queues, enqueueing through an outbox.

Below the jobs layer so that services that follow jobs (``platform.jobs``) and the job modules
share one definition; the job functions themselves live in ``app/jobs/``.
"""
import json
import logging
import uuid
from datetime import datetime, timedelta

from flask import current_app
from redis import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from rq import Queue, Retry
from flask_babel import lazy_gettext as _l
from rq.job import Job
from sqlalchemy import select, update
from sqlalchemy.exc import InterfaceError, InternalError, OperationalError

from app.extensions import db
from app.models.jobs import JobRecord
from app.services.platform.errors import Unavailable

QUEUES = ("default", "messages", "reports")
PAUSED_MESSAGE = _l("Background work is paused; it will start when the queue is back.")
log = logging.getLogger(__name__)


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


class PendingJob:
    """Stands for a job still in the outbox (Redis was unreachable): it has its id already."""

    def __init__(self, rq_id):
        self.id = rq_id

    def get_status(self, refresh=False):
        return "queued"


def enqueue(func, *args, queue="default", kind=None, user_id=None, retry=None, **kwargs):
    """Write the job into the outbox — a ``JobRecord`` committed together with whatever the
    caller changed in this transaction — then hand it to Redis. When Redis is unreachable the
    job waits in the outbox and ``relay_outbox`` hands it over once Redis is back: the caller
    gets its id either way and no work is lost. Returns the rq job (or a ``PendingJob``).

    When even the database refuses the write (down, read-only, full), nothing of the caller's
    transaction is kept and ``Unavailable`` (503, "background work is paused …") is raised:
    the action did not happen and may be repeated later."""
    if queue not in QUEUES:
        raise ValueError(f"unknown queue {queue!r}")
    call = {"args": list(args), "kwargs": kwargs,
            "retry": [retry.max, list(retry.intervals)] if retry else None}
    record = JobRecord(rq_id=uuid.uuid4().hex, kind=kind or func.__name__, user_id=user_id,
                       queue=queue, func=f"{func.__module__}.{func.__name__}",
                       call=json.dumps(call))
    try:
        db.session.add(record)
        db.session.commit()
    except (OperationalError, InterfaceError, InternalError) as exc:
        log.error("the database refused the outbox write of %s: %s", record.func, exc)
        db.session.rollback()
        raise Unavailable(PAUSED_MESSAGE) from exc
    job = _push(record.id)
    push_committed()
    return job


def enqueue_after_commit(func, *args, queue="default", kind=None, user_id=None, retry=None,
                         **kwargs):
    """Write the job into the outbox in the caller's transaction *without committing it* (for
    code that runs inside someone else's transaction, such as a listener on payments). Once that
    transaction commits, ``push_committed`` hands the job to Redis (the app calls it after every
    request and every job); a rolled-back transaction takes its job with it, and a job nobody
    pushed is handed over by ``relay_outbox``. Returns the job's id."""
    if queue not in QUEUES:
        raise ValueError(f"unknown queue {queue!r}")
    call = {"args": list(args), "kwargs": kwargs,
            "retry": [retry.max, list(retry.intervals)] if retry else None}
    record = JobRecord(rq_id=uuid.uuid4().hex, kind=kind or func.__name__, user_id=user_id,
                       queue=queue, func=f"{func.__module__}.{func.__name__}",
                       call=json.dumps(call))
    db.session.add(record)
    db.session.flush()
    db.session.info.setdefault(_PENDING, []).append(record.id)
    return record.rq_id


_PENDING = "tessera_outbox_pending"
_READY = "tessera_outbox_ready"


def _committed(session):
    pending = session.info.pop(_PENDING, None)
    if pending:
        session.info.setdefault(_READY, []).extend(pending)


def _rolled_back(session):
    session.info.pop(_PENDING, None)


def install_outbox_events(session):
    """Follow commits and rollbacks of ``session`` (the scoped session) for
    ``enqueue_after_commit``; idempotent."""
    from sqlalchemy import event

    if not event.contains(session, "after_commit", _committed):
        event.listen(session, "after_commit", _committed)
        event.listen(session, "after_rollback", _rolled_back)


def push_committed():
    """Hand to Redis the jobs ``enqueue_after_commit`` wrote in transactions that have committed
    since; returns how many were pushed."""
    ready = db.session.info.pop(_READY, None) if db.session.registry.has() else None
    pushed = 0
    for record_id in ready or ():
        if _push(record_id) is not None:
            pushed += 1
    return pushed


def _push(record_id):
    """Claim the outbox row (so the relay and the starter never both push it), push the job to
    Redis, or give the claim back when Redis is unreachable."""
    claimed = db.session.execute(
        update(JobRecord).where(JobRecord.id == record_id, JobRecord.enqueued_on.is_(None))
        .values(enqueued_on=datetime.now()).execution_options(synchronize_session=False))
    db.session.commit()
    if claimed.rowcount != 1:
        return None
    record = db.session.get(JobRecord, record_id)
    rq_id, queue_name = record.rq_id, record.queue
    call = json.loads(record.call)
    retry = Retry(max=call["retry"][0], interval=call["retry"][1]) if call["retry"] else None
    try:
        q = get_queue(queue_name)
        job = q.create_job(record.func, args=call["args"], kwargs=call["kwargs"], job_id=rq_id,
                           retry=retry, result_ttl=7 * 24 * 3600, failure_ttl=30 * 24 * 3600,
                           meta={"progress": 0, "user_id": record.user_id})
        q.enqueue_job(job)
    except (RedisConnectionError, RedisTimeoutError) as exc:
        log.warning("Redis unreachable, job %s waits in the outbox: %s", rq_id, exc)
        db.session.rollback()
        db.session.execute(update(JobRecord).where(JobRecord.id == record_id)
                           .values(enqueued_on=None).execution_options(synchronize_session=False))
        db.session.commit()
        return PendingJob(rq_id)
    return job


def relay_outbox(grace_seconds=30, limit=500):
    """Hand to Redis every job still in the outbox after ``grace_seconds`` (its starter could
    not reach Redis); returns how many were handed over. Rows older than the outbox (no
    ``func``) are left alone."""
    since = datetime.now() - timedelta(seconds=grace_seconds)
    ids = db.session.scalars(
        select(JobRecord.id).where(JobRecord.enqueued_on.is_(None), JobRecord.func.is_not(None),
                                   JobRecord.created_on <= since)
        .order_by(JobRecord.id).limit(limit)).all()
    return sum(1 for record_id in ids if isinstance(_push(record_id), Job))
