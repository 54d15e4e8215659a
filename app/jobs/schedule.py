"""Periodic jobs, declared once; ``flask cron`` registers them with rq's CronScheduler."""
from app.jobs import platform as maintenance
from app.jobs import communication as messaging
from app.jobs import money as passes
from app.jobs import courses

# (function, queue, cron expression) — times are the server's local time.
PERIODIC = [
    (maintenance.purge_expired_files, "default", "30 3 * * *"),
    (passes.refresh_pass_statuses, "default", "5 0 * * *"),
    (messaging.send_reminders, "messages", "0 9 * * *"),
    (messaging.recover_stalled_messages, "messages", "*/5 * * * *"),
    (courses.warn_courses_below_minimum_daily, "default", "0 8 * * *"),
]


def build_scheduler(connection):
    from rq.cron import CronScheduler

    scheduler = CronScheduler(connection=connection, name="tessera-cron")
    for func, queue, cron in PERIODIC:
        scheduler.register(func, queue, cron=cron, name=f"{func.__module__}.{func.__name__}")
    return scheduler
