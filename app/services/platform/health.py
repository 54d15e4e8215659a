"""Health of the running system: the database, Redis, live workers per queue and the age of the
cron scheduler's heartbeat — the figures ``/health`` answers and ``/metrics`` exports."""
from dataclasses import dataclass, field
from datetime import datetime, timezone

from flask import current_app
from sqlalchemy import func, select, text

from app.extensions import db
from app.models.communication import Message
from app.services.platform.queue import QUEUES, get_queue, redis_connection

# rq's CronScheduler beats every few seconds; a scheduler silent for longer is taken as gone.
SCHEDULER_STALE_SECONDS = 180


@dataclass
class Health:
    parts: dict = field(default_factory=dict)  # part -> "ok" or what is wrong
    workers: dict = field(default_factory=dict)  # queue -> live workers listening to it
    queued: dict = field(default_factory=dict)  # queue -> jobs waiting
    failed: dict = field(default_factory=dict)  # queue -> jobs in the failed registry
    scheduler_age: float | None = None  # seconds since the last cron heartbeat

    @property
    def ok(self):
        return all(state == "ok" for state in self.parts.values())


def _problem(exc):
    return f"{type(exc).__name__}: {exc}"[:200]


def check_health(now=None):
    """Each part is "ok" or the reason it is not: the database answers a query; Redis answers a
    ping; every queue has a live worker; a cron scheduler beat within ``SCHEDULER_STALE_SECONDS``
    (only required when ``HEALTH_REQUIRE_SCHEDULER`` is on, the default)."""
    from rq import Worker
    from rq.cron import CronScheduler

    health = Health()
    try:
        db.session.execute(text("SELECT 1"))
        health.parts["database"] = "ok"
    except Exception as exc:  # noqa: BLE001 — reported, never raised: this is the health page
        db.session.rollback()
        health.parts["database"] = _problem(exc)
    try:
        connection = redis_connection()
        connection.ping()
        health.parts["redis"] = "ok"
    except Exception as exc:  # noqa: BLE001
        health.parts["redis"] = _problem(exc)
        return health
    workers = Worker.all(connection=connection)
    for name in QUEUES:
        queue = get_queue(name, connection)
        health.workers[name] = sum(1 for w in workers if name in w.queue_names())
        health.queued[name] = queue.count
        health.failed[name] = queue.failed_job_registry.count
    missing = [name for name, count in health.workers.items() if not count]
    health.parts["workers"] = "ok" if not missing else "no worker for " + ", ".join(missing)
    now = now or datetime.now(timezone.utc)
    beats = [s.last_heartbeat for s in CronScheduler.all(connection) if s.last_heartbeat]
    if beats:
        latest = max(beat if beat.tzinfo else beat.replace(tzinfo=timezone.utc) for beat in beats)
        health.scheduler_age = max(0.0, (now - latest).total_seconds())
    if current_app.config.get("HEALTH_REQUIRE_SCHEDULER", True):
        if health.scheduler_age is None:
            health.parts["scheduler"] = "no cron scheduler"
        elif health.scheduler_age > SCHEDULER_STALE_SECONDS:
            health.parts["scheduler"] = f"last heartbeat {int(health.scheduler_age)} s ago"
        else:
            health.parts["scheduler"] = "ok"
    return health


def message_counts():
    """``{status: count}`` of messages, in one grouped query."""
    return dict(db.session.execute(
        select(Message.status, func.count()).group_by(Message.status)).all())
