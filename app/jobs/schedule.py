"""Periodic jobs, declared once; ``flask cron`` registers them with rq's CronScheduler."""
from app.jobs import maintenance

# (function, queue, cron expression) — times are the server's local time.
PERIODIC = [
    (maintenance.purge_expired_files, "default", "30 3 * * *"),
]


def build_scheduler(connection):
    from rq.cron import CronScheduler

    scheduler = CronScheduler(connection=connection, name="tessera-cron")
    for func, queue, cron in PERIODIC:
        scheduler.register(func, queue, cron=cron, name=f"{func.__module__}.{func.__name__}")
    return scheduler
