"""Following background jobs: status and progress for the starter, the list for Admin."""
from flask_babel import lazy_gettext as _l
from redis.exceptions import RedisError
from rq.exceptions import NoSuchJobError
from rq.job import Job
from rq.registry import FailedJobRegistry

from app.extensions import db
from app.models.jobs import JobRecord
from app.services.platform.errors import Forbidden, NotFound
from app.services.platform.queue import QUEUES, get_queue, redis_connection


def job_status(rq_id, user, is_admin=False):
    """Status, progress and result of a job, for its starter (or Admin) only."""
    record = db.session.query(JobRecord).filter_by(rq_id=rq_id).one_or_none()
    if record is None:
        raise NotFound(_l("No such job."))
    if not is_admin and record.user_id != getattr(user, "id", None):
        raise Forbidden(_l("This job was started by someone else."))
    status, progress, meta = record.status, 100 if record.status == "finished" else 0, {}
    retries_left = None
    try:
        job = Job.fetch(rq_id, connection=redis_connection())
        status = job.get_status(refresh=True)
        status = getattr(status, "value", status)
        meta = dict(job.meta or {})
        progress = meta.get("progress", progress)
        retries_left = job.retries_left
    except (NoSuchJobError, RedisError):
        pass  # gone from Redis, or Redis unreachable: the record tells what is known
    if status == "finished":
        progress = 100
    return {
        "id": rq_id,
        "kind": record.kind,
        "status": status,
        "progress": progress,
        "meta": {k: v for k, v in meta.items() if k not in ("user_id",)},
        "error": record.error,
        # a job retried after a failure or a lost worker: how many tries remain (None: no retry)
        "retries_left": retries_left,
        "has_result": bool(record.result_path),
        # started while Redis was unreachable: waits in the outbox, relayed within a minute
        "waiting_for_queue": record.func is not None and record.enqueued_on is None,
        "created_on": record.created_on.isoformat(),
        "finished_on": record.finished_on.isoformat() if record.finished_on else None,
    }


def result_file(rq_id, user, is_admin=False):
    """The path of a job's built file, for its starter (or Admin)."""
    info = job_status(rq_id, user, is_admin)
    record = db.session.query(JobRecord).filter_by(rq_id=rq_id).one()
    if info["status"] != "finished" or not record.result_path:
        raise NotFound(_l("This job has no file to download yet."))
    return record.result_path


def recent_jobs(limit=100):
    """The latest job records, newest first, with their starters."""
    return (
        db.session.query(JobRecord).order_by(JobRecord.created_on.desc(), JobRecord.id.desc())
        .limit(limit).all()
    )


def failed_jobs(limit=100):
    """Jobs in rq's failed registries (after their retries ran out), per queue."""
    connection = redis_connection()
    failed = []
    for name in QUEUES:
        registry = FailedJobRegistry(name, connection=connection)
        ids = registry.get_job_ids(0, limit - 1)
        for job in Job.fetch_many(ids, connection=connection):
            if job is not None:
                failed.append({"id": job.id, "queue": name, "func": job.func_name,
                               "ended_at": job.ended_at, "exc": (job.latest_result().exc_string
                                                                 if job.latest_result() else "")})
    return failed


def queue_lengths():
    connection = redis_connection()
    return {name: len(get_queue(name, connection)) for name in QUEUES}
